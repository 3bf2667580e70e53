namespace ChipRegistry.Api.OpenApi;

/// <summary>An example request body for the endpoint's OpenAPI operation.</summary>
public sealed record RequestExample(object Value);

/// <summary>An example response body for one status of the endpoint's OpenAPI operation.</summary>
public sealed record ResponseExample(int Status, object Value);

public static class Examples
{
    public static TBuilder WithRequestExample<TBuilder>(this TBuilder builder, object example) where TBuilder : IEndpointConventionBuilder =>
        builder.WithMetadata(new RequestExample(example));

    public static TBuilder WithResponseExample<TBuilder>(this TBuilder builder, int status, object example) where TBuilder : IEndpointConventionBuilder =>
        builder.WithMetadata(new ResponseExample(status, example));

    /// <summary>Declares the problem responses an endpoint can give, each as application/problem+json.</summary>
    public static TBuilder WithProblems<TBuilder>(this TBuilder builder, params int[] statuses) where TBuilder : IEndpointConventionBuilder
    {
        foreach (var status in statuses)
        {
            builder.WithMetadata(new ProducesResponseTypeMetadata(status, typeof(Microsoft.AspNetCore.Mvc.ProblemDetails), ["application/problem+json"]));
        }
        return builder;
    }
}
