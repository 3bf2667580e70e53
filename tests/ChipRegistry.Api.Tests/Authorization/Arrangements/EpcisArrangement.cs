using ChipRegistry.Api.Tests.Epcis;

namespace ChipRegistry.Api.Tests.Authorization.Arrangements;

/// <summary>
/// EPCIS capture: a capture sends an empty document (nothing to map, so any trader's capture succeeds); a job read names
/// a job the caller sent (the relation) or one another trader sent; a chip's export is arranged as the chip's other reads,
/// a lot's as the read of a chip of it (the lot of that chip), an assembly's as the assembly's own read.
/// </summary>
public sealed class EpcisArrangement(ApiFixture host) : IMatrixArrangement
{
    public IReadOnlyCollection<string> Endpoints { get; } =
    [
        "POST /api/v1/epcis/capture", "GET /api/v1/epcis/capture/{captureId}", "GET /api/v1/chips/{chipId}/epcis", "GET /api/v1/lots/{lotId}/epcis",
        "GET /api/v1/assemblies/{assemblyId}/epcis",
    ];

    public async Task<ArrangedCall> ArrangeAsync(string endpoint, MatrixCaller caller, bool related)
    {
        if (endpoint == "GET /api/v1/chips/{chipId}/epcis")
        {
            // as the chip's other reads: made by the calling manufacturer or offered to the caller, else another's chip
            var read = await new ChipReadArrangements(host).ArrangeAsync("GET /api/v1/chips/{chipId}", caller, related);
            return read with { Path = read.Path + "/epcis" };
        }
        if (endpoint == "GET /api/v1/lots/{lotId}/epcis")
        {
            var read = await new ChipReadArrangements(host).ArrangeAsync("GET /api/v1/chips/{chipId}", caller, related);
            return new ArrangedCall($"/api/v1/lots/{await LotOfAsync(read.Path.Split('/')[^1])}/epcis");
        }
        if (endpoint == "GET /api/v1/assemblies/{assemblyId}/epcis")
        {
            var read = await new AssemblyArrangement(host).ArrangeAsync("GET /api/v1/assemblies/{assemblyId}", caller, related);
            return read with { Path = read.Path + "/epcis" };
        }
        if (endpoint == "POST /api/v1/epcis/capture")
        {
            return new ArrangedCall("/api/v1/epcis/capture", System.Text.Json.JsonDocument.Parse(EpcisCaptureTests.Document()).RootElement.Clone());
        }
        var sender = related && caller.Role is not ("agency" or "admin") ? caller : await new RegistryWorld(host).ExporterAsync();
        var posted = await EpcisCapture.PostAsync(host, sender.Token, EpcisCaptureTests.Document());
        return new ArrangedCall(posted.Headers.Location!.OriginalString);
    }

    private async Task<string> LotOfAsync(string chipId)
    {
        await using var connection = await host.Database.OpenAsync();
        await using var command = new Npgsql.NpgsqlCommand("select lot_id from chipregistry.chip_state where chip_id = $1", connection);
        command.Parameters.Add(new Npgsql.NpgsqlParameter { Value = chipId });
        return (string)(await command.ExecuteScalarAsync())!;
    }
}
