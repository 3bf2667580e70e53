using Microsoft.AspNetCore.OpenApi;
using Microsoft.OpenApi;
using NodaTime;

namespace ChipRegistry.Api.OpenApi;

/// <summary>
/// The schemas of NodaTime types as their JSON is written (RegistryTime): an <see cref="Instant"/> or an
/// <see cref="OffsetDateTime"/> is a <c>string</c> of format <c>date-time</c>, a <see cref="LocalDate"/> a <c>string</c>
/// of format <c>date</c>. Without this the generator sees only a struct behind a converter and describes an object.
/// </summary>
internal sealed class TimeSchemas : IOpenApiSchemaTransformer
{
    /// <summary>
    /// Time schemas are written where they are used, as for <see cref="DateTime"/>, never as components named after
    /// NodaTime's types.
    /// </summary>
    public static string? ReferenceId(System.Text.Json.Serialization.Metadata.JsonTypeInfo type) =>
        Formats.ContainsKey(Nullable.GetUnderlyingType(type.Type) ?? type.Type) ? null : OpenApiOptions.CreateDefaultSchemaReferenceId(type);

    private static readonly Dictionary<Type, string> Formats = new()
    {
        [typeof(Instant)] = "date-time",
        [typeof(OffsetDateTime)] = "date-time",
        [typeof(LocalDate)] = "date",
    };

    public Task TransformAsync(OpenApiSchema schema, OpenApiSchemaTransformerContext context, CancellationToken cancellationToken)
    {
        var type = context.JsonTypeInfo.Type;
        var underlying = Nullable.GetUnderlyingType(type);
        if (Formats.TryGetValue(underlying ?? type, out var format))
        {
            schema.Type = underlying is null ? JsonSchemaType.String : JsonSchemaType.String | JsonSchemaType.Null;
            schema.Format = format;
            schema.Properties?.Clear();
            schema.Required?.Clear();
            schema.AdditionalProperties = null;
            schema.AdditionalPropertiesAllowed = true;
        }
        return Task.CompletedTask;
    }
}
