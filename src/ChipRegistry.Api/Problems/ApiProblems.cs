using Microsoft.AspNetCore.Http.HttpResults;

namespace ChipRegistry.Api.Problems;

/// <summary>Problem details (RFC 9457) with a stable machine-readable <c>code</c> extension.</summary>
public static class ApiProblems
{
    /// <summary>The problem type URI names the code, so clients may switch on either.</summary>
    public static string TypeFor(string code) => $"urn:chipregistry:problem:{code}";

    public static ProblemHttpResult Result(int status, string code, string title, string? detail = null) =>
        TypedResults.Problem(
            detail: detail,
            statusCode: status,
            title: title,
            type: TypeFor(code),
            extensions: new Dictionary<string, object?> { ["code"] = code });
}
