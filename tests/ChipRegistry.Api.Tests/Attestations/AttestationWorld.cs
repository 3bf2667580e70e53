using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using ChipRegistry.Domain.Catalog;
using ChipRegistry.Domain.Chips;
using ChipRegistry.Domain.Common;
using ChipRegistry.Domain.Facilities;
using ChipRegistry.Domain.Organisations;
using ChipRegistry.Domain.Persistence;
using ChipRegistry.EventStore;
using Microsoft.Extensions.DependencyInjection;
using Npgsql;
using NodaTime;

namespace ChipRegistry.Api.Tests.Attestations;

/// <summary>
/// Arranges installed chips straight through the domain's command handlers (registration, shipment, receipt,
/// installation), so the attestation endpoints are tested without the lifecycle's own endpoints.
/// </summary>
public sealed class AttestationWorld(ApiFixture host)
{
    public const string ManufacturerId = "attest-mfr";

    private static readonly Actor Manufacturer = new(ManufacturerId, OrganisationKind.Manufacturer);
    private long tick;

    /// <summary>
    /// Where the arranged history starts (default: an hour ago). A test attesting at a fixed past time (a signed vector)
    /// arranges its chip before that time, since no act may be dated before the chip's latest one.
    /// </summary>
    public Instant? ArrangedFrom { get; set; }

    /// <summary>Business times for the arranged history: from <see cref="ArrangedFrom"/> onwards, one second apart, so every step follows the last.</summary>
    private Instant Next() => (ArrangedFrom ?? SystemClock.Instance.GetCurrentInstant() - Duration.FromHours(1)) + Duration.FromSeconds(Interlocked.Increment(ref tick));

    public async Task<string> OperatorKeyAsync(string operatorId) => (await host.OrganisationKeyAsync(operatorId, OrganisationKind.Operator)).Token;

    public async Task FacilityAsync(string operatorId, string facilityId, params string[] clusterIds)
    {
        await host.RegisterOrganisationAsync(operatorId, OrganisationKind.Operator);
        var op = new Actor(operatorId, OrganisationKind.Operator);
        (await host.Commands.HandleAsync(new RegisterFacility(facilityId, $"{facilityId} hall", "US", 35.1m, -90.0m, 150m, op, Next()))).EnsureAccepted();
        foreach (var clusterId in clusterIds)
        {
            (await host.Commands.HandleAsync(new RegisterCluster(facilityId, clusterId, $"cluster {clusterId}", op, Next()))).EnsureAccepted();
        }
    }

    public async Task FacilityClusterAsync(string facilityId, string clusterId)
    {
        var facility = (await Reads.LoadFacilityAsync(facilityId)).State ?? throw new InvalidOperationException($"facility {facilityId} is not arranged");
        (await host.Commands.HandleAsync(new RegisterCluster(facilityId, clusterId, $"cluster {clusterId}", new Actor(facility.OperatorId, OrganisationKind.Operator), Next()))).EnsureAccepted();
    }

    /// <summary>Each chip made by the test manufacturer, shipped to the facility's operator, received and installed in the cluster.</summary>
    public async Task InstallAsync(string facilityId, string clusterId, params string[] chipIds)
    {
        await host.RegisterOrganisationAsync(ManufacturerId, OrganisationKind.Manufacturer);
        var facility = (await Reads.LoadFacilityAsync(facilityId)).State ?? throw new InvalidOperationException($"facility {facilityId} is not arranged");
        var op = new Actor(facility.OperatorId, OrganisationKind.Operator);
        foreach (var chipId in chipIds)
        {
            await ReceiveAsync(chipId, Manufacturer, op);
            (await host.Commands.HandleAsync(new InstallChip(Guid.NewGuid(), chipId, facility, clusterId, "r1", op, Next()))).EnsureAccepted();
        }
    }

    /// <summary>A chip made by the test manufacturer and received by <paramref name="custodian"/>, not installed.</summary>
    public async Task ReceivedAsync(string chipId, string custodianId)
    {
        await host.RegisterOrganisationAsync(ManufacturerId, OrganisationKind.Manufacturer);
        await host.RegisterOrganisationAsync(custodianId, OrganisationKind.Operator);
        await ReceiveAsync(chipId, Manufacturer, new Actor(custodianId, OrganisationKind.Operator));
    }

    /// <summary>The custodian ships its (uninstalled) chip on to another operator, who receives and installs it.</summary>
    public async Task HandOnAndInstallAsync(string chipId, string fromOperatorId, string facilityId, string clusterId)
    {
        var facility = (await Reads.LoadFacilityAsync(facilityId)).State!;
        var to = new Actor(facility.OperatorId, OrganisationKind.Operator);
        await ShipAndReceiveAsync(chipId, new Actor(fromOperatorId, OrganisationKind.Operator), to);
        (await host.Commands.HandleAsync(new InstallChip(Guid.NewGuid(), chipId, facility, clusterId, "r1", to, Next()))).EnsureAccepted();
    }

    private async Task ReceiveAsync(string chipId, Actor manufacturer, Actor receiver)
    {
        (await host.Commands.HandleAsync(new RegisterChip(Guid.NewGuid(), chipId, CatalogSeed.H100Sxm.ModelId, "attest-lot", "US", manufacturer, Next()))).EnsureAccepted();
        await ShipAndReceiveAsync(chipId, manufacturer, receiver);
    }

    private async Task ShipAndReceiveAsync(string chipId, Actor from, Actor to)
    {
        var party = new PartyJurisdiction(to.OrganisationId, "US", to.OrganisationId, "US");
        var context = new ShipmentContext(CatalogSeed.H100Sxm, party, party, null, null, 0);
        var id = to.OrganisationId;
        (await host.Commands.HandleAsync(new ShipChip(Guid.NewGuid(), chipId, "US", id, id, id, id, id, null, context, from, Next()))).EnsureAccepted();
        (await host.Commands.HandleAsync(new ReceiveChip(Guid.NewGuid(), chipId, "US", to, Next()))).EnsureAccepted();
    }

    public RegistryReads Reads => host.Services.GetRequiredService<RegistryReads>();

    /// <summary>The chip's stream as stored.</summary>
    public Task<IReadOnlyList<StoredEvent>> HistoryAsync(string chipId) => Reads.ReadChipHistoryAsync(chipId);

    public async Task<IReadOnlyList<ChipLocationAttested>> AttestationsAsync(string chipId) =>
        [.. (await HistoryAsync(chipId)).Select(e => e.Data).OfType<ChipLocationAttested>()];

    /// <summary>Plants a nonce as if the registry had issued it (for the committed vector, whose nonce is fixed).</summary>
    public async Task PlantNonceAsync(string nonce, string organisationId, Instant expiresAt)
    {
        var dataSource = host.Services.GetRequiredService<NpgsqlDataSource>();
        var schema = host.Services.GetRequiredService<IEventStore>().Schema;
        await using var command = dataSource.CreateCommand(
            $"insert into {schema.Quoted}.attestation_nonces (nonce, organisation_id, issued_at, expires_at) values ($1, $2, now(), $3)");
        command.Parameters.Add(new NpgsqlParameter<string> { TypedValue = nonce });
        command.Parameters.Add(new NpgsqlParameter<string> { TypedValue = organisationId });
        command.Parameters.Add(new NpgsqlParameter<Instant> { TypedValue = PostgresTime.Truncate(expiresAt) });
        await command.ExecuteNonQueryAsync();
    }
}

/// <summary>
/// The signed bytes written out by hand from docs/api.md (keys in RFC 8785 order, every field present), not
/// through the server's code, so a server that signs-checks anything else fails these tests.
/// </summary>
public static class SignedPayload
{
    public static string Chip(string chipId, string facilityId, string method, string? roundTripMs, string? landmarkId, string? nonce, Instant occurredAt) =>
        $$"""{"chipId":{{Text(chipId)}},"facilityId":{{Text(facilityId)}},"kind":"chip_location_attestation","landmarkId":{{Text(landmarkId)}},"method":{{Text(method)}},"nonce":{{Text(nonce)}},"occurredAt":{{Text(Time(occurredAt))}},"roundTripMs":{{roundTripMs ?? "null"}}}""";

    public static string Cluster(string facilityId, string clusterId, IEnumerable<string> chipIds, string method, string? roundTripMs, string? landmarkId, string? nonce, Instant occurredAt) =>
        $$"""{"chipIds":[{{string.Join(",", chipIds.Order(StringComparer.Ordinal).Select(id => Text(id)))}}],"clusterId":{{Text(clusterId)}},"facilityId":{{Text(facilityId)}},"kind":"cluster_location_attestation","landmarkId":{{Text(landmarkId)}},"method":{{Text(method)}},"nonce":{{Text(nonce)}},"occurredAt":{{Text(Time(occurredAt))}},"roundTripMs":{{roundTripMs ?? "null"}}}""";

    /// <summary>Whole seconds, UTC, with a Z.</summary>
    public static string Time(Instant instant) => instant.ToDateTimeUtc().ToString("yyyy-MM-dd'T'HH:mm:ss'Z'", CultureInfo.InvariantCulture);

    /// <summary>A recent business time on a whole second.</summary>
    public static Instant RecentSecond() => Instant.FromUnixTimeSeconds(SystemClock.Instance.GetCurrentInstant().ToUnixTimeSeconds() - 30);

    public static string Sign(ECDsa key, string payload) =>
        Convert.ToBase64String(key.SignData(Encoding.UTF8.GetBytes(payload), HashAlgorithmName.SHA256, DSASignatureFormat.Rfc3279DerSequence));

    private static string Text(string? value) => value is null ? "null" : $"\"{value}\"";
}
