namespace ChipRegistry.Api.Problems;

/// <summary>
/// A request that cannot be served, with the RFC 9457 problem to answer and its stable <c>code</c>.
/// Thrown before anything is written, so a rejected request changes nothing.
/// </summary>
public sealed class ApiProblemException(int status, string code, string title, string? detail = null) : Exception(detail ?? title)
{
    public int Status { get; } = status;
    public string Code { get; } = code;
    public string Title { get; } = title;
    public string? Detail { get; } = detail;

    /// <summary>Seconds a client should wait before retrying, sent as <c>Retry-After</c> (a 503 that will pass).</summary>
    public int? RetryAfterSeconds { get; init; }
}
