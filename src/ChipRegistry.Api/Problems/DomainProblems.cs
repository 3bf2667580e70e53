using ChipRegistry.Domain.Common;

namespace ChipRegistry.Api.Problems;

/// <summary>
/// The HTTP status of each domain error code, from the <see cref="ErrorKind"/> the domain declares beside the code
/// (<see cref="DomainErrorKinds"/>). The code itself is passed through unchanged as the problem's <c>code</c>, so
/// clients see the domain's stable vocabulary. A code no class declares is 422 (the request was understood and
/// refused); a test finds every code the sources use declared, so none reaches a client that way.
/// </summary>
public static class DomainProblems
{
    public static int StatusOf(string code) => StatusOf(DomainErrorKinds.Of(code));

    /// <summary>The one place a kind becomes a status.</summary>
    public static int StatusOf(ErrorKind? kind) => kind switch
    {
        // Refused because of who the caller is; endpoints gate roles first, so these are the fallback.
        ErrorKind.Refused => StatusCodes.Status403Forbidden,
        ErrorKind.NotFound => StatusCodes.Status404NotFound,
        // Refused because of the thing's current state or the caller's present relation to it.
        ErrorKind.Conflict => StatusCodes.Status409Conflict,
        ErrorKind.PreconditionFailed => StatusCodes.Status412PreconditionFailed,
        ErrorKind.Invalid or null => StatusCodes.Status422UnprocessableEntity,
        _ => throw new ArgumentOutOfRangeException(nameof(kind), kind, "An error kind without a status."),
    };

    public static ApiProblemException ToProblem(DomainError error) =>
        new(StatusOf(error.Code), error.Code, TitleOf(StatusOf(error.Code)), error.Message);

    private static string TitleOf(int status) => status switch
    {
        StatusCodes.Status403Forbidden => "This organisation may not do this.",
        StatusCodes.Status404NotFound => "Something the request names is not registered.",
        StatusCodes.Status409Conflict => "The registry's current state does not allow this.",
        StatusCodes.Status412PreconditionFailed => "The resource changed since the version the request names.",
        _ => "The request was understood but refused.",
    };
}
