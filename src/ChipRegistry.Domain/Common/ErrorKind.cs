namespace ChipRegistry.Domain.Common;

/// <summary>
/// What kind of refusal a domain error code is. Each code declares its kind beside its constant (an
/// <c>ErrorKinds</c> table in the class that declares it); the API turns the kind into the HTTP status.
/// </summary>
public enum ErrorKind
{
    /// <summary>The request was understood and is refused as it stands (HTTP 422).</summary>
    Invalid,

    /// <summary>The caller's role may never do this (HTTP 403).</summary>
    Refused,

    /// <summary>Something the request names is not registered (HTTP 404).</summary>
    NotFound,

    /// <summary>The registry's current state, or the caller's present relation to the thing, does not allow it (HTTP 409).</summary>
    Conflict,

    /// <summary>The thing changed since the version the request names (HTTP 412).</summary>
    PreconditionFailed,
}
