using System.Net;
using System.Text.Json;
using ChipRegistry.Domain.Organisations;
using ChipRegistry.EventStore;
using Microsoft.Extensions.DependencyInjection;
using NodaTime;
using NodaTime.Text;

namespace ChipRegistry.Api.Tests.Detection.RealCases;

/// <summary>
/// A real enforcement case told to the registry as its parties would have reported it: every act through the public
/// HTTP API with the reporting party's own key, the manual clock ticked once a day up to each act, and the flags read
/// back as an agency reads them (<c>GET /api/v1/flags?asOf=</c>). One registry per case (its class fixture): the clock
/// only moves forward, and every flag in it must come from the case.
/// </summary>
internal sealed class CaseReplay(ApiFixture host)
{
    private static CancellationToken Cancel => TestContext.Current.CancellationToken;

    private readonly Dictionary<string, string> keys = new(StringComparer.Ordinal);
    private Instant? latestTick;

    /// <summary>An organisation registered by the administrator, and a key for it.</summary>
    public async Task OrganisationAsync(string id, OrganisationKind kind, string country, string foundedOn = "2010-01-01")
    {
        var role = ChipRegistry.Api.Callers.Callers.RoleOf(kind);
        await PostAsync(ApiFixture.AdminKey, "/api/v1/organisations", new { organisationId = id, name = id, kind = role, country, foundedOn });
        keys[id] = (await host.IssueKeyAsync(id, role)).Token;
    }

    /// <summary>A parent change recorded by the administrator, effective from a date.</summary>
    public async Task ParentAsync(string id, string parentId, string effectiveFrom)
    {
        var response = await host.SendAsync(HttpMethod.Post, $"/api/v1/organisations/{id}/parent", ApiFixture.AdminKey, new { parentId, effectiveFrom });
        Assert.True(response.StatusCode == HttpStatusCode.OK, $"POST parent of {id}: {(int)response.StatusCode} {await response.Content.ReadAsStringAsync(Cancel)}");
    }

    /// <summary>The clock ticked at every midnight up to the act's day, then the act, sent by <paramref name="by"/>.</summary>
    public async Task<JsonElement> ActAsync(string by, string at, string path, object body)
    {
        await AdvanceToAsync(at);
        return await PostAsync(keys[by], path, body);
    }

    /// <summary>One act on many chips, all or nothing (<c>POST /api/v1/chip-batches/{act}</c>), an item per chip.</summary>
    public Task<JsonElement> BatchAsync(string by, string at, string act, IEnumerable<string> chips, Func<string, object> item) =>
        ActAsync(by, at, $"/api/v1/chip-batches/{act}", new { items = chips.Select(item).ToArray() });

    /// <summary>
    /// A report about a chip by a party its record does not name (a receipt by someone other than the consignee, an
    /// installation elsewhere): the public path for it is <c>POST /api/v1/observations</c>, which answers 202 alike for
    /// any serial, so it tells the reporter nothing about the chip.
    /// </summary>
    public async Task ObserveAsync(string by, string at, string chipId, string kind, string country, string details, string? facilityId = null)
    {
        await AdvanceToAsync(at);
        var response = await host.SendAsync(HttpMethod.Post, "/api/v1/observations", keys[by], new { chipId, kind, details, facilityId, country, occurredAt = at });
        Assert.True(response.StatusCode == HttpStatusCode.Accepted, $"POST /api/v1/observations: {(int)response.StatusCode} {await response.Content.ReadAsStringAsync(Cancel)}");
    }

    /// <summary>Ticks every midnight after the latest tick up to and including the instant's day.</summary>
    public async Task AdvanceToAsync(string at)
    {
        var day = InstantPattern.ExtendedIso.Parse(at).Value.InUtc().Date.AtStartOfDayInZone(DateTimeZone.Utc).ToInstant();
        var next = latestTick is { } last ? last + Duration.FromDays(1) : day;
        for (; next <= day; next += Duration.FromDays(1))
        {
            var response = await host.SendAsync(HttpMethod.Post, "/api/v1/admin/clock-ticks", ApiFixture.AdminKey,
                new { at = InstantPattern.General.Format(next) });
            Assert.Equal(HttpStatusCode.Created, response.StatusCode);
            latestTick = next;
        }
    }

    /// <summary>The flags open at the end of <paramref name="day"/>, once the daemon has applied every event.</summary>
    public async Task<IReadOnlyList<CaseFlag>> OpenFlagsAsync(string day)
    {
        await host.Services.GetRequiredService<ProjectionDaemon>().WaitForCatchUpAsync(Cancel);
        using var page = await host.GetJsonAsync(ApiFixture.AdminKey, $"/api/v1/flags?asOf={day}&limit=200");
        Assert.Equal(JsonValueKind.Null, page.RootElement.GetProperty("next").ValueKind);
        return [.. page.RootElement.GetProperty("flags").EnumerateArray().Select(CaseFlag.Of)];
    }

    /// <summary>The stored types of a flag's evidence events.</summary>
    public async Task<IReadOnlyList<string>> EvidenceTypesAsync(string flagId)
    {
        using var flag = await host.GetJsonAsync(ApiFixture.AdminKey, $"/api/v1/flags/{flagId}");
        return [.. flag.RootElement.GetProperty("events").EnumerateArray().Select(e => e.GetProperty("type").GetString()!)];
    }

    private async Task<JsonElement> PostAsync(string key, string path, object body)
    {
        var response = await host.SendAsync(HttpMethod.Post, path, key, body);
        var text = await response.Content.ReadAsStringAsync(Cancel);
        Assert.True(response.StatusCode == HttpStatusCode.Created, $"POST {path}: {(int)response.StatusCode} {text}");
        using var document = JsonDocument.Parse(text);
        return document.RootElement.Clone();
    }
}

/// <summary>A flag as the agency reads it: what the case asserts on.</summary>
internal sealed record CaseFlag(string Id, int Rule, string Severity, string SubjectKind, string SubjectId, string? Country, string OpenedAt,
    IReadOnlyList<string> Chips, string Explanation)
{
    public static CaseFlag Of(JsonElement f) => new(f.GetProperty("id").GetString()!, f.GetProperty("rule").GetInt32(), f.GetProperty("severity").GetString()!,
        f.GetProperty("subject").GetProperty("kind").GetString()!, f.GetProperty("subject").GetProperty("id").GetString()!,
        f.GetProperty("country").GetString(), f.GetProperty("openedAt").GetString()!,
        [.. f.GetProperty("chips").EnumerateArray().Select(c => c.GetString()!).Order(StringComparer.Ordinal)], f.GetProperty("explanation").GetString()!);

    /// <summary>Rule, subject and country: what "the flag its facts call for" names.</summary>
    public string Call => $"r{Rule} {SubjectKind}:{SubjectId} {Country ?? "-"}";
}
