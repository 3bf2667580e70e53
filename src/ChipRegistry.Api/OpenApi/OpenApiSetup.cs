using System.Text.Json;
using System.Text.Json.Nodes;
using ChipRegistry.EventStore;
using Microsoft.OpenApi;

namespace ChipRegistry.Api.OpenApi;

/// <summary>
/// <c>/openapi/v1.json</c>: every endpoint with its schemas, examples (from endpoint metadata) and problem
/// responses; a test fails for any endpoint that lacks one of them.
/// </summary>
public static class OpenApiSetup
{
    /// <summary>Examples are written as responses are: web naming, the registry's time format.</summary>
    private static readonly JsonSerializerOptions ExampleJson = new JsonSerializerOptions(JsonSerializerDefaults.Web).ConfigureForRegistryTime();

    public static WebApplicationBuilder AddRegistryOpenApi(this WebApplicationBuilder builder)
    {
        builder.Services.AddOpenApi(options =>
        {
            options.CreateSchemaReferenceId = TimeSchemas.ReferenceId;
            options.AddSchemaTransformer<TimeSchemas>();
            options.AddDocumentTransformer((document, _, _) =>
            {
                document.Info = new OpenApiInfo
                {
                    Title = "ChipRegistry API",
                    Version = "v1",
                    Description = "Provenance registry for export-controlled AI accelerators. Authenticate with Authorization: Bearer <API key>. Errors are RFC 9457 problem details with a stable `code`.",
                };
                return Task.CompletedTask;
            });
            options.AddOperationTransformer((operation, context, _) =>
            {
                var metadata = context.Description.ActionDescriptor.EndpointMetadata;
                if (metadata.OfType<RequestExample>().LastOrDefault() is { } request && operation.RequestBody?.Content is { } content)
                {
                    foreach (var media in content.Values)
                    {
                        media.Example = JsonSerializer.SerializeToNode(request.Value, ExampleJson);
                    }
                }
                foreach (var response in metadata.OfType<ResponseExample>())
                {
                    if (operation.Responses?.TryGetValue(response.Status.ToString(System.Globalization.CultureInfo.InvariantCulture), out var declared) == true && declared.Content is { } responseContent)
                    {
                        foreach (var media in responseContent.Values)
                        {
                            media.Example = JsonSerializer.SerializeToNode(response.Value, ExampleJson);
                        }
                    }
                }
                return Task.CompletedTask;
            });
        });
        return builder;
    }
}
