using System.Diagnostics;
using System.Net.Http.Headers;
using System.Text.Json;
using System.Text.Json.Nodes;
using ChipRegistry.Api.Tests.Authorization;
using ChipRegistry.Domain.Catalog;
using ChipRegistry.Domain.Chips;
using ChipRegistry.Domain.Common;
using ChipRegistry.Domain.Organisations;
using NodaTime;

namespace ChipRegistry.Api.Tests.Hostile;

/// <summary>
/// Our own hostile corpus: bad requests generated from the OpenAPI document over every write endpoint, sent one after
/// another to a real API on its own database, each answered with the 4xx its defect calls for and its <c>code</c>,
/// never a 5xx, and the event count moved only by the observations a report on another's or a destroyed chip makes.
/// </summary>
public sealed class HostileCorpusTests(ApiFixture host) : IClassFixture<ApiFixture>
{
    /// <summary>Fields whose text may span lines (a reason, details, a finding): a line break belongs in them.</summary>
    private static readonly HashSet<string> MultiLineFields = new(StringComparer.Ordinal) { "reason", "details", "finding", "note", "method", "circumstances" };

    /// <summary>
    /// What free text may carry and so be accepted: an injection string is text like any other (stored as given, never
    /// interpreted) outside ids, serials and codes, and a line break belongs in a multi-line field. Every other control,
    /// bidirectional or invisible character, and any of these in an id, must be refused.
    /// </summary>
    private static bool MayBeAcceptedAsText(HostileCase hostile)
    {
        var field = hostile.Detail.Split(' ')[0].Split('.')[^1];
        var idLike = field.EndsWith("Id", StringComparison.Ordinal) || field.EndsWith("Ids", StringComparison.Ordinal)
            || field is "serial" or "serials" or "country" or "destinationCountry" or "authorisationNumber";
        return hostile.Defect switch
        {
            Defect.Injection => !idLike,
            Defect.Control => hostile.Detail.EndsWith("line break", StringComparison.Ordinal) && MultiLineFields.Contains(field),
            _ => false,
        };
    }

    private static readonly Dictionary<Defect, (int Status, string[] Codes)> ExactAnswers = new()
    {
        // A streamed body (a lot) is refused at the first token it cannot take: a nested array where a string belongs
        // is the wrong type before it is too deep, and bytes that are not UTF-8 are found in the string that holds them.
        [Defect.Malformed] = (400, ["malformed_json", "wrong_type"]),
        [Defect.NotUtf8] = (400, ["invalid_json", "invalid_character"]),
        [Defect.WrongType] = (400, ["wrong_type"]),
        [Defect.NumberAsString] = (400, ["wrong_type"]),
        [Defect.NullField] = (400, ["wrong_type"]),
        [Defect.TimeWithoutOffset] = (400, ["wrong_type"]),
        [Defect.UnknownField] = (400, ["unknown_field"]),
        // A reader that matches names exactly (the streamed lot body) sees a case-folded twin as an unknown field.
        [Defect.DuplicateField] = (400, ["duplicate_field", "unknown_field"]),
        [Defect.MissingField] = (400, ["missing_field"]),
        [Defect.WrongMediaType] = (415, ["unsupported_media_type"]),
        [Defect.Oversize] = (413, ["payload_too_large"]),
    };

    [Fact]
    public async Task every_bad_request_to_every_write_endpoint_is_a_4xx_with_its_code_and_only_observations_append_events()
    {
        var clock = Stopwatch.StartNew();
        var world = new RegistryWorld(host);
        var arranged = await ArrangeAsync(world);
        using var document = JsonDocument.Parse(await host.Client.GetStringAsync(new Uri("/openapi/v1.json", UriKind.Relative), TestContext.Current.CancellationToken));
        var (operations, withoutBody) = WriteOperations.Read(document.RootElement);
        Assert.True(operations.Count >= 30, $"only {operations.Count} write operations with a JSON body in the document");
        var organisations = await OrganisationIdsAsync();

        var failures = new List<string>();
        var tally = new SortedDictionary<string, SortedDictionary<int, int>>(StringComparer.Ordinal);
        var accepted = new List<string>();
        var appendedByAccepted = 0L;
        var observations = 0;
        var sent = 0;
        var eventsBefore = await world.EventCountAsync();
        foreach (var operation in operations)
        {
            var caller = await CallerAsync(operation, arranged);
            foreach (var hostile in Cases(operation, caller, arranged))
            {
                var (status, text, delta, lastType) = await SendAsync(hostile.Case, hostile.Caller, hostile.Path);
                sent++;
                var row = tally.TryGetValue(operation.Name, out var existing) ? existing : tally[operation.Name] = new SortedDictionary<int, int>();
                row[status] = row.GetValueOrDefault(status) + 1;
                var label = $"{operation.Method} {hostile.Path} as {hostile.Caller.OrganisationId}, {hostile.Case.Defect} ({Shorten(hostile.Case.Detail)})";
                if (Judge(hostile.Case, status, text, delta, lastType, hostile.Caller, hostile.Path, organisations) is { } failure)
                {
                    failures.Add($"{label}: {failure}");
                }
                else if (status is >= 200 and < 300)
                {
                    if (hostile.Case.Defect is Defect.CustodianLifecycleStep or Defect.StrangersReport)
                    {
                        observations++;
                    }
                    else
                    {
                        accepted.Add($"{label}: {status}, {delta} event(s) {lastType}");
                        appendedByAccepted += delta;
                    }
                }
                if (hostile.Case.Defect == Defect.LargeBody && status != 413)
                {
                    // This endpoint takes more than the default limit: past its own limit, it must refuse the body too.
                    var oversize = hostile.Case with { Defect = Defect.Oversize, Detail = "just over 32 MiB", Body = HostileCases.Oversized(operation.Body, 32 * 1024 * 1024 + 1) };
                    foreach (var chunked in new[] { false, true })
                    {
                        var (bigStatus, bigText, bigDelta, bigType) = await SendAsync(oversize with { Chunked = chunked }, hostile.Caller, hostile.Path);
                        sent++;
                        row[bigStatus] = row.GetValueOrDefault(bigStatus) + 1;
                        if (Judge(oversize, bigStatus, bigText, bigDelta, bigType, hostile.Caller, hostile.Path, organisations) is { } bigFailure)
                        {
                            failures.Add($"{label} {(chunked ? "chunked" : "with Content-Length")} over 32 MiB: {bigFailure}");
                        }
                    }
                }
                else if (hostile.Case.Defect == Defect.LargeBody)
                {
                    var (chunkedStatus, chunkedText, chunkedDelta, chunkedType) = await SendAsync(hostile.Case with { Defect = Defect.Oversize, Chunked = true }, hostile.Caller, hostile.Path);
                    sent++;
                    row[chunkedStatus] = row.GetValueOrDefault(chunkedStatus) + 1;
                    if (Judge(hostile.Case with { Defect = Defect.Oversize }, status, text, delta, lastType, hostile.Caller, hostile.Path, organisations) is { } declaredFailure)
                    {
                        failures.Add($"{label} with Content-Length: {declaredFailure}");
                    }
                    if (Judge(hostile.Case with { Defect = Defect.Oversize }, chunkedStatus, chunkedText, chunkedDelta, chunkedType, hostile.Caller, hostile.Path, organisations) is { } chunkedFailure)
                    {
                        failures.Add($"{label} chunked: {chunkedFailure}");
                    }
                }
            }
        }
        var eventsAfter = await world.EventCountAsync();

        var output = TestContext.Current.TestOutputHelper!;
        output.WriteLine($"hostile corpus: {sent} requests over {operations.Count} write endpoints in {clock.Elapsed.TotalSeconds:F1} s; {observations} observations; {accepted.Count} accepted as free text (injection strings outside ids, line breaks in multi-line fields)");
        output.WriteLine($"without a JSON body (not in the corpus): {string.Join(", ", withoutBody)}");
        foreach (var (name, statuses) in tally)
        {
            output.WriteLine($"  {name,-36} {string.Join("  ", statuses.Select(s => $"{s.Key}: {s.Value}"))}");
        }
        foreach (var line in accepted)
        {
            output.WriteLine($"  accepted: {line}");
        }
        Assert.True(sent >= 1000, $"only {sent} requests");
        Assert.True(failures.Count == 0, $"{failures.Count} of {sent} answers were wrong:\n{string.Join('\n', failures.Take(60))}");
        Assert.Equal(observations + appendedByAccepted, eventsAfter - eventsBefore);
    }

    private static string Shorten(string detail) => detail.Length > 60 ? detail[..60] + "…" : detail;

    /// <summary>What is wrong with the answer, or null when it is the one the defect calls for.</summary>
    private static string? Judge(HostileCase hostile, int status, string text, long delta, string? lastType, MatrixCaller caller, string path, IReadOnlySet<string> organisations)
    {
        if (status >= 500)
        {
            return $"{status} {Shorten(text)}";
        }
        if (status is >= 200 and < 300)
        {
            if (hostile.Defect is Defect.CustodianLifecycleStep or Defect.StrangersReport && delta == 1 && lastType == "chip_observed")
            {
                return null;
            }
            return MayBeAcceptedAsText(hostile) ? null : $"{status} and {delta} event(s) ({lastType}): a bad request was accepted";
        }
        if (delta != 0)
        {
            return $"{status} but {delta} event(s) appended";
        }
        if (status is < 400 or > 499)
        {
            return $"{status}: not a 4xx";
        }
        string? code;
        JsonElement problem;
        try
        {
            using var parsed = JsonDocument.Parse(text);
            problem = parsed.RootElement.Clone();
            code = problem.TryGetProperty("code", out var c) && c.ValueKind == JsonValueKind.String ? c.GetString() : null;
        }
        catch (JsonException)
        {
            return $"{status} without a problem document: {Shorten(text)}";
        }
        if (string.IsNullOrEmpty(code))
        {
            return $"{status} without a code: {Shorten(text)}";
        }
        if (ExactAnswers.TryGetValue(hostile.Defect, out var expected) && (status != expected.Status || !expected.Codes.Contains(code)))
        {
            return $"{status} {code}, expected {expected.Status} {string.Join(" or ", expected.Codes)}: {Shorten(text)}";
        }
        if (hostile.Defect is Defect.Nul or Defect.LoneSurrogate && status is not (400 or 422))
        {
            return $"{status} {code}, expected 400 or 422 naming the field";
        }
        // No refusal names an organisation other than the caller's or one the request itself names.
        var said = string.Join(' ', new[] { "title", "detail" }.Select(m => problem.TryGetProperty(m, out var v) && v.ValueKind == JsonValueKind.String ? v.GetString() : ""));
        var request = path + " " + hostile.RequestText;
        var leaked = organisations.Where(o => o != caller.OrganisationId && said.Contains(o, StringComparison.Ordinal) && !request.Contains(o, StringComparison.Ordinal)).ToList();
        return leaked.Count > 0 ? $"{status} {code} names {string.Join(", ", leaked)}: {Shorten(said)}" : null;
    }

    private sealed record Arranged(
        MatrixCaller Maker, MatrixCaller Rival, MatrixCaller Operator, MatrixCaller Agency, MatrixCaller Exporter, MatrixCaller Admin,
        string LiveChip, string DestroyedChip, string AssemblyId, string FacilityId, string LicenceId, string LotId);

    private async Task<Arranged> ArrangeAsync(RegistryWorld world)
    {
        // The manufacturer the OpenAPI examples name, so a documented lot or chip act reaches its handler's deepest checks.
        var maker = await world.PartyAsync("nvidia", OrganisationKind.Manufacturer, "US");
        var rival = await world.PartyAsync("world-rival", OrganisationKind.Manufacturer, "US");
        var @operator = await world.OtherOperatorAsync();
        var agency = await world.AgencyAsync();
        var exporter = await world.ExporterAsync();
        var admin = new MatrixCaller("admin", BuiltInOrganisations.RegistryAdmin.OrganisationId, ApiFixture.AdminKey);
        var liveChip = await world.ChipAsync(maker.OrganisationId);
        var destroyedChip = await world.ChipAsync(maker.OrganisationId);
        var destroyed = await host.SendAsync(HttpMethod.Post, $"/api/v1/chips/{destroyedChip}/destruction", maker.Token, new { method = "shredded" });
        Assert.True(destroyed.IsSuccessStatusCode, await destroyed.Content.ReadAsStringAsync());
        var (assemblyId, _) = await world.HeldAssemblyAsync(maker, packed: false);
        var facilityId = await world.FacilityAsync(@operator);
        var licenceId = await world.LicenceAsync(exporter.OrganisationId);
        var lotId = RegistryWorld.FreshId("lot");
        var lot = new RegisterChipLot(Guid.NewGuid(), lotId, CatalogSeed.H100Sxm.ModelId, "US", new Actor(maker.OrganisationId, OrganisationKind.Manufacturer), SystemClock.Instance.GetCurrentInstant());
        Assert.True((await host.Commands.RegisterLotAsync(lot, [$"matrix:{Guid.NewGuid():N}"])).IsAccepted);
        return new Arranged(maker, rival, @operator, agency, exporter, admin, liveChip, destroyedChip, assemblyId, facilityId, licenceId, lotId);
    }

    /// <summary>
    /// The caller that reaches the endpoint's handler: the first of the world's parties the endpoint does not refuse for
    /// its role. The chip's manufacturer comes first, so chip acts are its custodian's.
    /// </summary>
    private async Task<MatrixCaller> CallerAsync(WriteOperation operation, Arranged arranged)
    {
        foreach (var candidate in new[] { arranged.Maker, arranged.Operator, arranged.Agency, arranged.Exporter, arranged.Admin })
        {
            using var request = new HttpRequestMessage(new HttpMethod(operation.Method), PathFor(operation, arranged, candidate, live: false)) { Content = new StringContent("{\"hostileProbe\":1}", System.Text.Encoding.UTF8, "application/json") };
            request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", candidate.Token);
            using var response = await host.Client.SendAsync(request);
            if ((int)response.StatusCode is not (401 or 403))
            {
                return candidate;
            }
        }
        throw new InvalidOperationException($"No party of the world may call {operation.Name}.");
    }

    private static string PathFor(WriteOperation operation, Arranged arranged, MatrixCaller caller, bool live) => operation.PathWith(parameter => parameter switch
    {
        "chipId" => live ? arranged.LiveChip : arranged.DestroyedChip,
        "assemblyId" => arranged.AssemblyId,
        "facilityId" => arranged.FacilityId,
        "clusterId" => "hall-a",
        "licenceId" => arranged.LicenceId,
        "lotId" => arranged.LotId,
        "organisationId" => caller.OrganisationId,
        "name" => "idle_days",
        _ => "hostile-unknown",
    });

    private static IEnumerable<(HostileCase Case, MatrixCaller Caller, string Path)> Cases(WriteOperation operation, MatrixCaller caller, Arranged arranged)
    {
        var path = PathFor(operation, arranged, caller, live: false);
        foreach (var hostile in HostileCases.For(operation))
        {
            yield return (hostile, caller, path);
        }
        if (operation.PathParameters.Contains("chipId") && caller == arranged.Maker)
        {
            var example = System.Text.Encoding.UTF8.GetBytes(operation.Body.ToJsonString());
            // The chip's custodian acting on it after destruction: refused, or (a report) kept as an observation.
            yield return (new HostileCase(operation, Defect.CustodianLifecycleStep, "after destruction", example), caller, path);
            // Another manufacturer's act or report on a chip it never held: hidden, refused, or an observation.
            yield return (new HostileCase(operation, Defect.StrangersReport, "on another's chip", example), arranged.Rival, PathFor(operation, arranged, arranged.Rival, live: true));
        }
    }

    private long lastSeq = -1;

    private async Task<(int Status, string Text, long Delta, string? LastType)> SendAsync(HostileCase hostile, MatrixCaller caller, string path)
    {
        var before = lastSeq >= 0 ? lastSeq : await MaxSeqAsync();
        using var request = new HttpRequestMessage(new HttpMethod(hostile.Operation.Method), path)
        {
            Content = hostile.Chunked ? new UnsizedContent(hostile.Body) : new ByteArrayContent(hostile.Body),
        };
        request.Content.Headers.ContentType = MediaTypeHeaderValue.Parse(hostile.ContentType);
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", caller.Token);
        using var response = await host.Client.SendAsync(request);
        var text = await response.Content.ReadAsStringAsync();
        var (delta, lastType, last) = await AppendedSinceAsync(before);
        lastSeq = last;
        return ((int)response.StatusCode, text, delta, lastType);
    }

    private async Task<long> MaxSeqAsync()
    {
        await using var connection = await host.Database.OpenAsync();
        await using var command = new Npgsql.NpgsqlCommand("select coalesce(max(seq_id), 0) from chipregistry.events", connection);
        return (long)(await command.ExecuteScalarAsync())!;
    }

    /// <summary>How many events were appended after <paramref name="seq"/>, the type of the last, and the new last sequence number.</summary>
    private async Task<(long Count, string? LastType, long LastSeq)> AppendedSinceAsync(long seq)
    {
        await using var connection = await host.Database.OpenAsync();
        await using var command = new Npgsql.NpgsqlCommand(
            "select count(*), (select type from chipregistry.events where seq_id > $1 order by seq_id desc limit 1), coalesce(max(seq_id), $1) from chipregistry.events where seq_id > $1", connection);
        command.Parameters.Add(new Npgsql.NpgsqlParameter { Value = seq });
        await using var reader = await command.ExecuteReaderAsync();
        await reader.ReadAsync();
        return (reader.GetInt64(0), reader.IsDBNull(1) ? null : reader.GetString(1), reader.GetInt64(2));
    }

    private async Task<IReadOnlySet<string>> OrganisationIdsAsync()
    {
        await using var connection = await host.Database.OpenAsync();
        await using var command = new Npgsql.NpgsqlCommand(
            "select distinct data ->> 'organisation_id' from chipregistry.events where type = 'organisation_registered' and data ->> 'organisation_id' is not null", connection);
        await using var reader = await command.ExecuteReaderAsync();
        var ids = new HashSet<string>(StringComparer.Ordinal);
        while (await reader.ReadAsync())
        {
            ids.Add(reader.GetString(0));
        }
        Assert.Contains("world-operator", ids);
        // The registry itself is no party a refusal could reveal (and its name is in every problem type).
        ids.Remove(BuiltInOrganisations.RegistryAdmin.OrganisationId);
        return ids;
    }

    /// <summary>A body sent without a Content-Length, as a chunked body arrives: its size is known only once read.</summary>
    private sealed class UnsizedContent(byte[] bytes) : HttpContent
    {
        protected override Task SerializeToStreamAsync(Stream stream, System.Net.TransportContext? context) => stream.WriteAsync(bytes).AsTask();

        protected override bool TryComputeLength(out long length)
        {
            length = -1;
            return false;
        }
    }
}
