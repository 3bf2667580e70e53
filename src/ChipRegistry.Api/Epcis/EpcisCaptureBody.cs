using System.Text.Json.Nodes;
using Microsoft.AspNetCore.OpenApi;
using Microsoft.OpenApi;

namespace ChipRegistry.Api.Epcis;

/// <summary>
/// The capture endpoint's request body in the OpenAPI document. The endpoint reads the body as a stream and declares no
/// Accepts metadata (routing would answer 415 to a content type it does not name, without the registry's problem
/// document), so the body is described here: an EPCISDocument as application/ld+json and application/json, the
/// members <see cref="EpcisEnvelope"/> checks, and an example of our own chip domain.
/// </summary>
internal static class EpcisCaptureBody
{
    public static readonly string[] ContentTypes = ["application/ld+json", "application/json"];

    public static RouteHandlerBuilder WithEpcisDocumentBody(this RouteHandlerBuilder builder) =>
        builder.AddOpenApiOperationTransformer((operation, _, _) =>
        {
            var content = new Dictionary<string, OpenApiMediaType>(StringComparer.Ordinal);
            foreach (var type in ContentTypes)
            {
                content[type] = new OpenApiMediaType { Schema = Schema(), Example = Example() };
            }
            operation.RequestBody = new OpenApiRequestBody
            {
                Required = true,
                Description = "An EPCIS 2.0 document (docs/epcis-mapping.md); extensions are named by a prefix its @context declares.",
                Content = content,
            };
            return Task.CompletedTask;
        });

    private static OpenApiSchema Schema()
    {
        static OpenApiSchema Text(string? format = null) => new() { Type = JsonSchemaType.String, Format = format };
        return new OpenApiSchema
        {
            Type = JsonSchemaType.Object,
            Required = new HashSet<string>(StringComparer.Ordinal) { "@context", "type", "schemaVersion", "creationDate", "epcisBody" },
            Properties = new Dictionary<string, IOpenApiSchema>(StringComparer.Ordinal)
            {
                ["@context"] = new OpenApiSchema
                {
                    Type = JsonSchemaType.Array,
                    Description = "GS1's EPCIS context by name (never fetched), and inline objects of prefixes.",
                    Items = new OpenApiSchema { Type = JsonSchemaType.String, Format = "uri" },
                },
                ["type"] = new OpenApiSchema { Type = JsonSchemaType.String, Enum = [JsonValue.Create("EPCISDocument")!] },
                ["schemaVersion"] = Text(),
                ["creationDate"] = Text("date-time"),
                ["id"] = Text("uri"),
                ["instanceIdentifier"] = Text(),
                ["sender"] = Text(),
                ["receiver"] = Text(),
                ["epcisHeader"] = new OpenApiSchema { Type = JsonSchemaType.Object },
                ["epcisBody"] = new OpenApiSchema
                {
                    Type = JsonSchemaType.Object,
                    Required = new HashSet<string>(StringComparer.Ordinal) { "eventList" },
                    Properties = new Dictionary<string, IOpenApiSchema>(StringComparer.Ordinal)
                    {
                        ["eventList"] = new OpenApiSchema { Type = JsonSchemaType.Array, Items = new OpenApiSchema { Type = JsonSchemaType.Object } },
                    },
                },
            },
        };
    }

    /// <summary>A manufacturer commissions two chips of a lot in Taiwan.</summary>
    public static JsonObject Example() => new()
    {
        ["@context"] = new JsonArray(EpcisExport.Context),
        ["type"] = "EPCISDocument",
        ["schemaVersion"] = "2.0",
        ["creationDate"] = "2026-12-06T09:00:00Z",
        ["epcisBody"] = new JsonObject
        {
            ["eventList"] = new JsonArray(new JsonObject
            {
                ["eventID"] = "urn:uuid:5a6d2b89-0e1c-4d49-a7b8-9c0d1e2f3a4b",
                ["type"] = "ObjectEvent",
                ["eventTime"] = "2026-12-06T00:00:00Z",
                ["eventTimeZoneOffset"] = "+08:00",
                ["epcList"] = new JsonArray("urn:epc:id:sgtin:0614141.107346.2017", "urn:epc:id:sgtin:0614141.107346.2018"),
                ["action"] = "ADD",
                ["bizStep"] = "commissioning",
                ["disposition"] = "active",
                ["bizLocation"] = new JsonObject { ["id"] = "urn:chipregistry:country:TW" },
                ["ilmd"] = new JsonObject { ["cbvmda:lotNumber"] = "lot-2026-49" },
            }),
        },
    };
}
