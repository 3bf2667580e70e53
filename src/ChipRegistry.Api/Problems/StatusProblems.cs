namespace ChipRegistry.Api.Problems;

/// <summary>
/// Problems the framework answers before any endpoint runs (no route, a method the route does not take, a challenge)
/// get a stable <c>code</c> like every other error, so a client can switch on it. Problems an endpoint wrote keep
/// the code they carry.
/// </summary>
public static class StatusProblems
{
    public const string RouteNotFound = "route_not_found";
    public const string MethodNotAllowed = "method_not_allowed";

    public static IServiceCollection AddRegistryProblemDetails(this IServiceCollection services) =>
        services.AddProblemDetails(options => options.CustomizeProblemDetails = context =>
        {
            var problem = context.ProblemDetails;
            if (problem.Extensions.ContainsKey("code")) return;
            var code = problem.Status switch
            {
                StatusCodes.Status404NotFound => RouteNotFound,
                StatusCodes.Status405MethodNotAllowed => MethodNotAllowed,
                StatusCodes.Status401Unauthorized => "unauthenticated",
                StatusCodes.Status403Forbidden => "forbidden",
                StatusCodes.Status415UnsupportedMediaType => "unsupported_media_type",
                { } status => $"http_{status}",
                null => "error",
            };
            problem.Extensions["code"] = code;
            problem.Type = ApiProblems.TypeFor(code);
        });
}
