using System.Net;
using System.Text;
using System.Text.Json;
using ChipRegistry.Api.Chips.Lifecycle;
using ChipRegistry.Api.Tests.Chips;
using ChipRegistry.Api.Tests.Probes;
using static ChipRegistry.Api.Tests.Chips.ChipApi;

namespace ChipRegistry.Api.Tests.Idempotency;

/// <summary>
/// A write under an Idempotency-Key whose process dies after its events are committed and before it answers: a child
/// process (tests/ChipRegistry.CrashProbe, the API on Kestrel in process) posts the write and kills itself with SIGKILL
/// at that moment, printing the response it had kept; the retry, through another API process on the same database,
/// must get that response byte for byte, not a second decision (409 sale_already_offered).
/// </summary>
public sealed class CrashedWriteTests(ApiFixture host) : IClassFixture<ApiFixture>
{
    private static readonly TimeSpan Deadline = TimeSpan.FromMinutes(5);

    [Fact]
    public async Task a_retry_after_a_crash_between_the_commit_and_the_answer_gets_the_original_201_byte_for_byte()
    {
        var arrange = new ChipArranger(host);
        var chip = await arrange.FabricatedAsync();
        var token = (await host.IssueKeyAsync(ChipArranger.Manufacturer, "manufacturer")).Token;
        var path = $"/api/v1/chips/{chip}/sale-offer";
        var json = JsonSerializer.Serialize(new SaleOfferRequest(ChipArranger.Buyer), ApiFixture.Json);
        var key = Guid.NewGuid().ToString();

        var crashed = await ProbeProcess.RunAsync("CrashProbe", [host.Database.ConnectionString, path, token, key, json], Deadline);

        Assert.True(crashed.ExitCode is not (0 or 2 or 3), $"the probe was to die after the commit, not answer (exit {crashed.ExitCode}):\n{crashed.Output}");
        Assert.Equal("201", crashed.Value("status"));
        Assert.Equal(2L, await host.ChipVersionAsync(chip));
        var retry = await host.PostRawAsync(path, token, json, new Dictionary<string, string> { ["Idempotency-Key"] = key });

        Assert.Equal(HttpStatusCode.Created, retry.StatusCode);
        Assert.True(retry.Headers.Contains("Idempotent-Replayed"));
        Assert.Equal(crashed.Value("header.ETag"), retry.Headers.ETag?.ToString());
        Assert.Null(crashed.Optional("header.Location"));
        Assert.Null(retry.Headers.Location);
        Assert.Equal(crashed.Value("header.Content-Type"), retry.Content.Headers.ContentType?.ToString());
        Assert.Equal(Convert.FromBase64String(crashed.Value("body")), await retry.Content.ReadAsByteArrayAsync(Cancel));
        Assert.Equal(2L, await host.ChipVersionAsync(chip));
    }
}
