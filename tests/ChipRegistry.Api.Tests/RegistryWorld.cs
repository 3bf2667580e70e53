using System.Runtime.CompilerServices;
using ChipRegistry.Api.Tests.Authorization;
using ChipRegistry.Domain.Chips;
using ChipRegistry.Domain.Common;
using ChipRegistry.Domain.Organisations;
using NodaTime;

namespace ChipRegistry.Api.Tests;

/// <summary>
/// Builds registry data for tests through the public API, as each party would: facilities by their operator,
/// licences by an agency, assemblies built, packed, shipped and received by their holders. Chips are
/// registered straight through the domain's lot handler, the one step with no endpoint on this branch.
/// Every target is fresh; the helper organisations and their keys are made once per host.
/// </summary>
public sealed class RegistryWorld(ApiFixture host)
{
    private static readonly ConditionalWeakTable<ApiFixture, Dictionary<string, MatrixCaller>> Parties = new();
    private static readonly SemaphoreSlim PartiesLock = new(1, 1);

    public const string ModelId = "nvidia-h100-sxm";

    public static string FreshId(string prefix) => $"{prefix}-{Guid.NewGuid():N}"[..(prefix.Length + 13)];

    public Task<MatrixCaller> MakerAsync() => PartyAsync("world-maker", OrganisationKind.Manufacturer, "US");

    public Task<MatrixCaller> OtherOperatorAsync() => PartyAsync("world-operator", OrganisationKind.Operator, "US");

    public Task<MatrixCaller> AgencyAsync() => PartyAsync("world-agency", OrganisationKind.Agency, "US");

    public async Task<string> LicenseeAsync() => (await PartyAsync("world-licensee", OrganisationKind.Distributor, "MY")).OrganisationId;

    public Task<MatrixCaller> ExporterAsync() => PartyAsync("world-exporter", OrganisationKind.Distributor, "US");

    public async Task<string> ConsigneeAsync() => (await PartyAsync("world-consignee", OrganisationKind.Operator, "US")).OrganisationId;

    /// <summary>A registered organisation of the kind and a key for it, made once per host.</summary>
    public async Task<MatrixCaller> PartyAsync(string organisationId, OrganisationKind kind, string country)
    {
        await PartiesLock.WaitAsync();
        try
        {
            var parties = Parties.GetOrCreateValue(host);
            if (!parties.TryGetValue(organisationId, out var party))
            {
                await host.RegisterOrganisationAsync(organisationId, kind, country);
                var key = await host.IssueKeyAsync(organisationId, Callers.Callers.RoleOf(kind));
                parties[organisationId] = party = new MatrixCaller(key.Role, organisationId, key.Token);
            }
            return party;
        }
        finally
        {
            PartiesLock.Release();
        }
    }

    /// <summary>A facility the operator registers, with a cluster <c>hall-a</c>.</summary>
    public async Task<string> FacilityAsync(MatrixCaller @operator)
    {
        var facilityId = FreshId("site");
        await PostAsync(@operator, "/api/v1/facilities", new { facilityId, name = "Matrix site", country = "US", latitude = 33.75m, longitude = -84.39m, declaredPowerMw = 30m });
        await PostAsync(@operator, $"/api/v1/facilities/{facilityId}/clusters", new { clusterId = "hall-a", name = "Hall A" });
        return facilityId;
    }

    /// <summary>A licence an agency grants to the holder (consignee and end user the licensee).</summary>
    public async Task<string> LicenceAsync(string holderId)
    {
        var licenceId = FreshId("lic");
        var licensee = await LicenseeAsync();
        await PostAsync(await AgencyAsync(), "/api/v1/licences", new
        {
            licenceId, number = "D1111111", holderId, consigneeId = licensee, endUserId = licensee, destination = "MY",
            modelIds = new[] { ModelId }, quantity = 8, validFrom = "2026-01-01", validUntil = "2027-12-31",
        });
        return licenceId;
    }

    /// <summary>A NAC the exporter files (consignee and end user the licensee).</summary>
    public async Task<string> NotificationAsync(MatrixCaller exporter)
    {
        var notificationId = FreshId("nac");
        var licensee = await LicenseeAsync();
        await PostAsync(exporter, "/api/v1/notifications", new
        {
            notificationId, kind = "nac", number = "A222222", consigneeId = licensee, endUserId = licensee, destination = "MY", modelId = "nvidia-h20",
        });
        return notificationId;
    }

    /// <summary>A chip the manufacturer fabricates (one-chip lot).</summary>
    public async Task<string> ChipAsync(string manufacturerId)
    {
        var chipId = $"matrix:{Guid.NewGuid():N}";
        var lot = new RegisterChipLot(Guid.NewGuid(), FreshId("lot"), ModelId, "US", new Actor(manufacturerId, OrganisationKind.Manufacturer), SystemClock.Instance.GetCurrentInstant());
        var result = await host.Commands.RegisterLotAsync(lot, [chipId]);
        Assert.True(result.IsAccepted, result.Error?.ToString());
        return chipId;
    }

    /// <summary>
    /// An assembly the holder holds with one chip it holds, packed in it or not. A manufacturer builds its own;
    /// anyone else receives one built and shipped by another manufacturer (and, to hold the chip loose, unpacks it).
    /// </summary>
    public async Task<(string AssemblyId, string ChipId)> HeldAssemblyAsync(MatrixCaller holder, bool packed)
    {
        var builder = holder.Role == "manufacturer" ? holder : await MakerAsync();
        var chipId = await ChipAsync(builder.OrganisationId);
        var assemblyId = FreshId("srv");
        await PostAsync(builder, "/api/v1/assemblies", new { assemblyId, kind = "server", serial = FreshId("sn"), country = "US" });
        if (builder != holder || packed)
        {
            await PostAsync(builder, $"/api/v1/assemblies/{assemblyId}/pack", new { chipIds = new[] { chipId } });
        }
        if (builder != holder)
        {
            await ShipAsync(builder, assemblyId, holder.OrganisationId);
            await PostAsync(holder, $"/api/v1/assemblies/{assemblyId}/receipts", new { country = "US" });
            if (!packed)
            {
                await PostAsync(holder, $"/api/v1/assemblies/{assemblyId}/unpack", new { chipIds = new[] { chipId } });
            }
        }
        return (assemblyId, chipId);
    }

    /// <summary>Ships within the US, where no licence is needed.</summary>
    public Task ShipAsync(MatrixCaller shipper, string assemblyId, string consigneeId) =>
        PostAsync(shipper, $"/api/v1/assemblies/{assemblyId}/shipments", new
        {
            destinationCountry = "US", consigneeId, endUserId = consigneeId, billToId = consigneeId, shipToId = consigneeId, payerId = consigneeId,
        });

    /// <summary>A POST with a body exactly as given (malformed JSON, wrong types), not serialized from an object.</summary>
    public async Task<HttpResponseMessage> PostRawAsync(string token, string path, string json)
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, path) { Content = new StringContent(json, System.Text.Encoding.UTF8, "application/json") };
        request.Headers.Authorization = new System.Net.Http.Headers.AuthenticationHeaderValue("Bearer", token);
        return await host.Client.SendAsync(request);
    }

    /// <summary>Every event in the store: a refused request must leave it unchanged.</summary>
    public async Task<long> EventCountAsync()
    {
        await using var connection = await host.Database.OpenAsync();
        await using var command = new Npgsql.NpgsqlCommand("select count(*) from chipregistry.events", connection);
        return (long)(await command.ExecuteScalarAsync())!;
    }

    public async Task<HttpResponseMessage> PostAsync(MatrixCaller caller, string path, object body)
    {
        var response = await host.SendAsync(HttpMethod.Post, path, caller.Token, body);
        Assert.True(response.IsSuccessStatusCode, $"{caller.OrganisationId} POST {path}: {(int)response.StatusCode} {await response.Content.ReadAsStringAsync()}");
        return response;
    }
}
