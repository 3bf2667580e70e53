using ChipRegistry.Api.Keys;
using ChipRegistry.Domain.Organisations;

namespace ChipRegistry.Api.Tests.Authorization.Arrangements;

/// <summary>Organisations: every call names a fresh organisation, so a registration or parent change never collides with another cell's.</summary>
public sealed class OrganisationArrangement(ApiFixture host) : IMatrixArrangement
{
    public IReadOnlyCollection<string> Endpoints { get; } =
    [
        "POST /api/v1/organisations",
        "GET /api/v1/organisations/{organisationId}",
        "POST /api/v1/organisations/{organisationId}/parent",
    ];

    public async Task<ArrangedCall> ArrangeAsync(string endpoint, MatrixCaller caller, bool related)
    {
        var fresh = RegistryWorld.FreshId("org");
        switch (endpoint)
        {
            case "POST /api/v1/organisations":
                return new ArrangedCall("/api/v1/organisations", new { organisationId = fresh, name = "Fresh Trading Ltd", kind = "distributor", country = "SG", foundedOn = "2019-03-01" });
            case "GET /api/v1/organisations/{organisationId}":
                await host.RegisterOrganisationAsync(fresh, OrganisationKind.Forwarder, "NL");
                return new ArrangedCall($"/api/v1/organisations/{fresh}");
            default:
                var parent = RegistryWorld.FreshId("parent");
                await host.RegisterOrganisationAsync(fresh, OrganisationKind.Distributor, "SG");
                await host.RegisterOrganisationAsync(parent, OrganisationKind.Distributor, "HK");
                return new ArrangedCall($"/api/v1/organisations/{fresh}/parent", new { parentId = parent, effectiveFrom = "2024-01-01" });
        }
    }
}

/// <summary>Facilities: with the relation the caller operates a fresh facility; without it another operator does.</summary>
public sealed class FacilityArrangement(ApiFixture host) : IMatrixArrangement
{
    public IReadOnlyCollection<string> Endpoints { get; } =
    [
        "POST /api/v1/facilities",
        "GET /api/v1/facilities/{facilityId}",
        "POST /api/v1/facilities/{facilityId}/power",
        "POST /api/v1/facilities/{facilityId}/clusters",
        "POST /api/v1/facilities/{facilityId}/operator",
    ];

    public async Task<ArrangedCall> ArrangeAsync(string endpoint, MatrixCaller caller, bool related)
    {
        if (endpoint == "POST /api/v1/facilities")
        {
            return new ArrangedCall("/api/v1/facilities", new { facilityId = RegistryWorld.FreshId("site"), name = "Fresh site", country = "US", latitude = 40.1m, longitude = -75.2m, declaredPowerMw = 20m });
        }
        var world = new RegistryWorld(host);
        var facilityId = await world.FacilityAsync(related && caller.Role == "operator" ? caller : await world.OtherOperatorAsync());
        return endpoint switch
        {
            "GET /api/v1/facilities/{facilityId}" => new ArrangedCall($"/api/v1/facilities/{facilityId}"),
            "POST /api/v1/facilities/{facilityId}/power" => new ArrangedCall($"/api/v1/facilities/{facilityId}/power", new { declaredPowerMw = 45.5m }),
            "POST /api/v1/facilities/{facilityId}/operator" => new ArrangedCall($"/api/v1/facilities/{facilityId}/operator",
                new { operatorId = (await world.PartyAsync("world-successor", OrganisationKind.Operator, "DE")).OrganisationId, effectiveFrom = DateTime.UtcNow.ToString("yyyy-MM-dd", System.Globalization.CultureInfo.InvariantCulture) }),
            _ => new ArrangedCall($"/api/v1/facilities/{facilityId}/clusters", new { clusterId = "hall-b", name = "Hall B" }),
        };
    }
}

/// <summary>
/// Licences and notifications: with the relation the caller is the licence's holder or the notification's exporter;
/// without it, an organisation neither names. Agencies and the registry hold and file nothing, so they never get the relation.
/// </summary>
public sealed class LicenceArrangement(ApiFixture host) : IMatrixArrangement
{
    public IReadOnlyCollection<string> Endpoints { get; } =
    [
        "POST /api/v1/licences",
        "GET /api/v1/licences/{licenceId}",
        "POST /api/v1/licences/{licenceId}/revoke",
        "POST /api/v1/notifications",
        "GET /api/v1/notifications/{notificationId}",
    ];

    public async Task<ArrangedCall> ArrangeAsync(string endpoint, MatrixCaller caller, bool related)
    {
        var world = new RegistryWorld(host);
        var licensee = await world.LicenseeAsync();
        switch (endpoint)
        {
            case "POST /api/v1/licences":
                return new ArrangedCall("/api/v1/licences", new
                {
                    licenceId = RegistryWorld.FreshId("lic"), number = "D7654321", holderId = licensee, consigneeId = licensee, endUserId = licensee,
                    destination = "MY", modelIds = new[] { "nvidia-h100-sxm" }, quantity = 64, validFrom = "2026-01-01", validUntil = "2027-12-31",
                });
            case "POST /api/v1/notifications":
                return new ArrangedCall("/api/v1/notifications", new
                {
                    notificationId = RegistryWorld.FreshId("nac"), kind = "nac", number = "A654321", consigneeId = licensee, endUserId = licensee, destination = "MY", modelId = "nvidia-h20",
                });
            case "GET /api/v1/notifications/{notificationId}":
                var exporter = related && caller.Role is not ("agency" or ApiKeys.AdminRole) ? caller : await world.ExporterAsync();
                return new ArrangedCall($"/api/v1/notifications/{await world.NotificationAsync(exporter)}");
            default:
                var holder = related && caller.Role is not ("agency" or ApiKeys.AdminRole) ? caller.OrganisationId : licensee;
                var licenceId = await world.LicenceAsync(holder);
                return endpoint == "GET /api/v1/licences/{licenceId}"
                    ? new ArrangedCall($"/api/v1/licences/{licenceId}")
                    : new ArrangedCall($"/api/v1/licences/{licenceId}/revoke", new { reason = "end user added to the entity list", effectiveFrom = "2026-06-01" });
        }
    }
}

/// <summary>Models: every registration names a fresh model id of the caller's own (it starts with the caller's id).</summary>
public sealed class ModelArrangement(ApiFixture host) : IMatrixArrangement
{
    public IReadOnlyCollection<string> Endpoints { get; } = ["POST /api/v1/models"];

    public Task<ArrangedCall> ArrangeAsync(string endpoint, MatrixCaller caller, bool related)
    {
        _ = host;
        return Task.FromResult(new ArrangedCall("/api/v1/models", new
        {
            modelId = $"{caller.OrganisationId}-{RegistryWorld.FreshId("model")}", vendor = "Acme", name = "X1", throughput = new[] { new { precision = "BF16", denseTeraOps = 400m, bitLength = 16 } },
            logicDieAreaMm2 = 600m, memoryBandwidthGBs = 2000m, interconnectBandwidthGBs = 400m, dataCenterDesign = true, tdpWatts = 500m,
        }));
    }
}

/// <summary>
/// Assemblies: with the relation the caller holds a fresh assembly with a chip in it (or, for a receipt, is the
/// consignee it is shipped to, and for installation also operates the facility); without it, another
/// manufacturer holds it. A read is arranged the same way: agencies and the registry hold nothing, so they
/// read a manufacturer's assembly both ways.
/// </summary>
public sealed class AssemblyArrangement(ApiFixture host) : IMatrixArrangement
{
    public IReadOnlyCollection<string> Endpoints { get; } =
    [
        "POST /api/v1/assemblies",
        "GET /api/v1/assemblies/{assemblyId}",
        "POST /api/v1/assemblies/{assemblyId}/pack",
        "POST /api/v1/assemblies/{assemblyId}/unpack",
        "POST /api/v1/assemblies/{assemblyId}/shipments",
        "POST /api/v1/assemblies/{assemblyId}/receipts",
        "POST /api/v1/assemblies/{assemblyId}/installation",
    ];

    public async Task<ArrangedCall> ArrangeAsync(string endpoint, MatrixCaller caller, bool related)
    {
        if (endpoint == "POST /api/v1/assemblies")
        {
            return new ArrangedCall("/api/v1/assemblies", new { assemblyId = RegistryWorld.FreshId("srv"), kind = "server", serial = RegistryWorld.FreshId("sn"), country = "US" });
        }
        var world = new RegistryWorld(host);
        // Only roles the endpoint admits are given the relation; the others are refused by role whatever they hold.
        var holds = related && endpoint switch
        {
            "POST /api/v1/assemblies/{assemblyId}/pack" or "POST /api/v1/assemblies/{assemblyId}/unpack" => caller.Role is "manufacturer" or "integrator",
            "POST /api/v1/assemblies/{assemblyId}/installation" => caller.Role == "operator",
            _ => caller.Role is not ("agency" or ApiKeys.AdminRole),
        };
        var maker = await world.MakerAsync();
        switch (endpoint)
        {
            case "GET /api/v1/assemblies/{assemblyId}":
            {
                var held = await world.HeldAssemblyAsync(holds ? caller : maker, packed: true);
                return new ArrangedCall($"/api/v1/assemblies/{held.AssemblyId}");
            }
            case "POST /api/v1/assemblies/{assemblyId}/pack":
            {
                var held = await world.HeldAssemblyAsync(holds ? caller : maker, packed: false);
                return new ArrangedCall($"/api/v1/assemblies/{held.AssemblyId}/pack", new { chipIds = new[] { held.ChipId } });
            }
            case "POST /api/v1/assemblies/{assemblyId}/unpack":
            {
                var held = await world.HeldAssemblyAsync(holds ? caller : maker, packed: true);
                return new ArrangedCall($"/api/v1/assemblies/{held.AssemblyId}/unpack", new { chipIds = new[] { held.ChipId } });
            }
            case "POST /api/v1/assemblies/{assemblyId}/shipments":
            {
                var held = await world.HeldAssemblyAsync(holds ? caller : maker, packed: true);
                var consignee = await world.ConsigneeAsync();
                return new ArrangedCall($"/api/v1/assemblies/{held.AssemblyId}/shipments", new
                {
                    destinationCountry = "US", consigneeId = consignee, endUserId = consignee, billToId = consignee, shipToId = consignee, payerId = consignee,
                });
            }
            case "POST /api/v1/assemblies/{assemblyId}/receipts":
            {
                var held = await world.HeldAssemblyAsync(maker, packed: true);
                await world.ShipAsync(maker, held.AssemblyId, holds ? caller.OrganisationId : await world.ConsigneeAsync());
                return new ArrangedCall($"/api/v1/assemblies/{held.AssemblyId}/receipts", new { country = "US" });
            }
            default:
            {
                var held = await world.HeldAssemblyAsync(holds ? caller : maker, packed: true);
                var facilityId = await world.FacilityAsync(caller.Role == "operator" ? caller : await world.OtherOperatorAsync());
                return new ArrangedCall($"/api/v1/assemblies/{held.AssemblyId}/installation", new { facilityId, clusterId = "hall-a", rack = "R-07" });
            }
        }
    }
}

/// <summary>Keys go only to registered organisations: each call registers a fresh one to issue to.</summary>
public sealed class KeyIssueArrangement(ApiFixture host) : IMatrixArrangement
{
    public IReadOnlyCollection<string> Endpoints { get; } = ["POST /api/v1/admin/keys"];

    public async Task<ArrangedCall> ArrangeAsync(string endpoint, MatrixCaller caller, bool related)
    {
        var organisationId = RegistryWorld.FreshId("keyholder");
        await host.RegisterOrganisationAsync(organisationId, OrganisationKind.Integrator);
        return new ArrangedCall("/api/v1/admin/keys", new { organisationId, label = "matrix" });
    }
}
