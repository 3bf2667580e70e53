using System.Text.Json;
using Alba;
using ChipRegistry.Api.OpenApi;
using ChipRegistry.Api.Tests.Docs;

namespace ChipRegistry.Api.Tests.OpenApi;

public sealed class OpenApiDocumentTests(ApiFixture host) : IClassFixture<ApiFixture>
{
    [Fact]
    public async Task every_api_endpoint_has_an_operation_an_example_and_problem_responses()
    {
        var result = await host.Host.Scenario(s =>
        {
            s.Get.Url("/openapi/v1.json");
            s.StatusCodeShouldBeSuccess();
        });
        using var document = JsonDocument.Parse(await result.ReadAsTextAsync());
        var paths = document.RootElement.GetProperty("paths");

        var endpoints = ApiEndpoints.All(host.Services);
        Assert.NotEmpty(endpoints);
        var missing = new List<string>();
        foreach (var (method, path, endpoint) in endpoints)
        {
            var name = $"{method} {path}";
            if (!paths.TryGetProperty(path, out var item) || !item.TryGetProperty(method.ToLowerInvariant(), out var operation))
            {
                missing.Add($"{name}: no operation");
                continue;
            }
            var responses = operation.GetProperty("responses").EnumerateObject().ToList();
            if (!responses.Any(r => r.Name.StartsWith('4') && r.Value.TryGetProperty("content", out var content) && content.TryGetProperty("application/problem+json", out _)))
            {
                missing.Add($"{name}: no problem responses");
            }
            var hasExample = endpoint.Metadata.GetMetadata<RequestExample>() is not null || endpoint.Metadata.GetMetadata<ResponseExample>() is not null;
            var documentedExample = operation.ToString().Contains("\"example\"", StringComparison.Ordinal);
            if (!hasExample || !documentedExample)
            {
                missing.Add($"{name}: no example");
            }
        }

        Assert.Empty(missing);
    }

    [Fact]
    public async Task every_time_in_the_document_is_a_string_and_every_example_time_is_in_the_one_format()
    {
        using var document = JsonDocument.Parse(await host.Client.GetStringAsync(new Uri("/openapi/v1.json", UriKind.Relative), TestContext.Current.CancellationToken));
        var schemas = document.RootElement.GetProperty("components").GetProperty("schemas");
        var violations = new List<string>();

        foreach (var (path, example) in Examples(document.RootElement, "$"))
        {
            violations.AddRange(TimeValues.Violations(example, path));
        }
        var timeProperties = 0;
        foreach (var schema in schemas.EnumerateObject())
        {
            if (!schema.Value.TryGetProperty("properties", out var properties))
            {
                continue;
            }
            foreach (var property in properties.EnumerateObject().Where(p => TimeValues.IsTimeName(p.Name)))
            {
                timeProperties++;
                var types = TypesOf(property.Value, schemas);
                if (!types.Contains("string") || types.Contains("object"))
                {
                    violations.Add($"{schema.Name}.{property.Name} is [{string.Join(", ", types)}], not a string");
                }
            }
        }

        Assert.Empty(violations);
        Assert.True(timeProperties >= 20, $"only {timeProperties} time properties in the document's schemas");
    }

    [Theory]
    [InlineData("ApiKeySummary", "issuedAt", "date-time")]
    [InlineData("ApiKeySummary", "revokedAt", "date-time")]
    [InlineData("NonceResponse", "expiresAt", "date-time")]
    [InlineData("AttestationKeyResponse", "validFrom", "date-time")]
    [InlineData("AttestationKeyResponse", "validUntil", "date-time")]
    [InlineData("SigningRequirementResponse", "from", "date-time")]
    [InlineData("SigningRequirementRequest", "from", "date-time")]
    [InlineData("ReceiptRequest", "occurredAt", "date-time")]
    [InlineData("TenancyRequest", "from", "date-time")]
    [InlineData("LotRequest", "fabricatedAt", "date-time")]
    [InlineData("RegisterOrganisationRequest", "foundedOn", "date")]
    public async Task nodatime_values_are_strings_of_their_format(string schemaName, string propertyName, string format)
    {
        using var document = JsonDocument.Parse(await host.Client.GetStringAsync(new Uri("/openapi/v1.json", UriKind.Relative), TestContext.Current.CancellationToken));
        var schemas = document.RootElement.GetProperty("components").GetProperty("schemas");

        var property = NotNull(schemas.GetProperty(schemaName).GetProperty("properties").GetProperty(propertyName), schemas);

        Assert.True(TypesOf(property, schemas).Contains("string"), $"{schemaName}.{propertyName}: {property}");
        Assert.True(property.TryGetProperty("format", out var declared) && declared.GetString() == format, $"{schemaName}.{propertyName}: {property}");
        Assert.False(property.TryGetProperty("properties", out _), $"{schemaName}.{propertyName} has properties: {property}");
    }

    private static IEnumerable<(string Path, JsonElement Example)> Examples(JsonElement element, string path)
    {
        if (element.ValueKind == JsonValueKind.Object)
        {
            foreach (var property in element.EnumerateObject())
            {
                if (property.Name == "example")
                {
                    yield return ($"{path}.example", property.Value);
                }
                else
                {
                    foreach (var nested in Examples(property.Value, $"{path}.{property.Name}"))
                    {
                        yield return nested;
                    }
                }
            }
        }
        else if (element.ValueKind == JsonValueKind.Array)
        {
            var index = 0;
            foreach (var item in element.EnumerateArray())
            {
                foreach (var nested in Examples(item, $"{path}[{index++}]"))
                {
                    yield return nested;
                }
            }
        }
    }

    /// <summary>A property's schema without its null alternative (a nullable value is oneOf null and the value), resolved.</summary>
    private static JsonElement NotNull(JsonElement schema, JsonElement schemas)
    {
        foreach (var combinator in new[] { "oneOf", "anyOf" })
        {
            if (schema.TryGetProperty(combinator, out var options))
            {
                return NotNull(options.EnumerateArray().Single(o => !(o.TryGetProperty("type", out var t) && t.ValueKind == JsonValueKind.String && t.GetString() == "null")), schemas);
            }
        }
        return Resolve(schema, schemas);
    }

    /// <summary>A property's schema, through a $ref to its component.</summary>
    private static JsonElement Resolve(JsonElement schema, JsonElement schemas) =>
        schema.TryGetProperty("$ref", out var reference) ? schemas.GetProperty(reference.GetString()!.Split('/')[^1]) : schema;

    /// <summary>The JSON types a schema allows, through $ref, oneOf and anyOf.</summary>
    private static HashSet<string> TypesOf(JsonElement schema, JsonElement schemas)
    {
        var resolved = Resolve(schema, schemas);
        var types = new HashSet<string>(StringComparer.Ordinal);
        if (resolved.TryGetProperty("type", out var type))
        {
            if (type.ValueKind == JsonValueKind.Array)
            {
                types.UnionWith(type.EnumerateArray().Select(t => t.GetString()!));
            }
            else
            {
                types.Add(type.GetString()!);
            }
        }
        foreach (var combinator in new[] { "oneOf", "anyOf", "allOf" })
        {
            if (resolved.TryGetProperty(combinator, out var options))
            {
                foreach (var option in options.EnumerateArray())
                {
                    types.UnionWith(TypesOf(option, schemas));
                }
            }
        }
        if (resolved.TryGetProperty("properties", out _))
        {
            types.Add("object");
        }
        return types;
    }
}
