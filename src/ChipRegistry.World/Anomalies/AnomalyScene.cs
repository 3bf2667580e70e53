using ChipRegistry.Domain.Attestations;
using ChipRegistry.Domain.Catalog;
using ChipRegistry.Domain.Chips;
using ChipRegistry.Domain.Common;
using ChipRegistry.Domain.Facilities;
using ChipRegistry.Domain.Organisations;
using ChipRegistry.World.Cast;
using NodaTime;

namespace ChipRegistry.World.Anomalies;

/// <summary>
/// What an injector issues its scenario through: organisations and facilities of its own (ids <c>anomaly-</c> + the
/// rule and a name), chips of its own (a lot per scenario, serials carrying the seed's tag), and batches of one act on
/// many chips, all to the world's sink and counted in its report. It records what each scenario must raise and what it
/// must not.
/// </summary>
internal sealed class AnomalyScene(WorldContext world, int rule)
{
    private static readonly Duration Minute = Duration.FromMinutes(1);

    /// <summary>Each scenario chip's model, for the acquisitions rule 7 counts.</summary>
    private readonly Dictionary<string, string> models = new(StringComparer.Ordinal);

    public WorldSettings Settings => world.Settings;

    public Actor Nvidia => world.Organisations[WorldOrganisations.Nvidia].Actor;

    public AcceleratorModel Model(AcceleratorSpec spec) => world.Models[spec.ModelId];

    /// <summary>An organisation's or a facility's id in this rule's scenarios.</summary>
    public string ScenarioId(string name) => $"anomaly-r{rule:D2}-{name}";

    public async Task<Actor> RegisterOrganisationAsync(string name, OrganisationKind kind, string country, LocalDate foundedOn, Instant at, CancellationToken cancellationToken)
    {
        var id = ScenarioId(name);
        world.Report.Record(await world.Commands.SendAsync(
            new RegisterOrganisation(id, $"Anomaly {rule} {name}", kind, country, foundedOn, BuiltInOrganisations.RegistryAdmin, at), cancellationToken), $"registering {id}");
        return new Actor(id, kind);
    }

    /// <summary>A world manufacturer (<see cref="WorldOrganisations"/>' ids) as the actor of its lots.</summary>
    public Actor Manufacturer(string organisationId) => world.Organisations[organisationId].Actor;

    /// <summary>
    /// A lot of <paramref name="count"/> chips of the model, made by <paramref name="maker"/> (NVIDIA unless given) in
    /// <paramref name="fabCountry"/>.
    /// </summary>
    public async Task<IReadOnlyList<string>> FabricateAsync(
        string name, AcceleratorSpec model, int count, Instant at, CancellationToken cancellationToken, Actor? maker = null, string fabCountry = "TW")
    {
        var manufacturer = maker ?? Nvidia;
        var lotId = $"{Settings.Tag}-r{rule:D2}-{name}";
        var chips = Enumerable.Range(1, count).Select(i => $"{manufacturer.OrganisationId}:{lotId}-{i:D4}").ToList();
        world.Report.Record(await world.Commands.RegisterLotAsync(
            new RegisterChipLot(Id($"lot/{lotId}"), lotId, model.ModelId, fabCountry, manufacturer, at), chips, cancellationToken), $"lot {lotId}");
        world.Report.InjectedChips += count;
        world.Report.Anomalies.Acquired(manufacturer.OrganisationId, model.ModelId, at, count, world.Directory);
        foreach (var chip in chips) models[chip] = model.ModelId;
        return chips;
    }

    /// <summary>A facility of this rule's scenarios, operated by <paramref name="operatorActor"/>, with its clusters (<c>c1</c>, <c>c2</c>, ...).</summary>
    public async Task<Facility> RegisterFacilityAsync(
        string name, Actor operatorActor, string country, (decimal Latitude, decimal Longitude) at, decimal declaredPowerMw, int clusters, Instant when,
        CancellationToken cancellationToken)
    {
        var id = ScenarioId(name);
        world.Report.Record(await world.Commands.SendAsync(
            new RegisterFacility(id, $"Anomaly {rule} {name}", country, at.Latitude, at.Longitude, declaredPowerMw, operatorActor, when), cancellationToken), $"registering {id}");
        for (var n = 1; n <= clusters; n++)
        {
            world.Report.Record(await world.Commands.SendAsync(
                new RegisterCluster(id, ClusterId(id, n), $"Cluster {n}", operatorActor, when.Plus(Minute * n)), cancellationToken), $"registering {id}'s cluster {n}");
        }
        return await world.Commands.LoadFacilityAsync(id, cancellationToken) ?? throw new InvalidOperationException($"facility {id} was not registered");
    }

    /// <summary>The id of a scenario facility's <paramref name="n"/>th cluster.</summary>
    public static string ClusterId(string facilityId, int n) => $"{facilityId}-c{n}";

    /// <summary>A cluster as rule 13 names its subject.</summary>
    public static string ClusterSubject(string facilityId, string clusterId) => $"{facilityId}/{clusterId}";

    /// <summary>Shipped to <paramref name="consignee"/> in the US (its own bill-to and payer) and received by it three days later.</summary>
    public async Task DeliverAsync(IReadOnlyList<string> chips, Actor shipper, Actor consignee, AcceleratorSpec model, Instant at, CancellationToken cancellationToken)
    {
        await ShipAsync(chips, shipper, consignee, "US", "US", model, at, cancellationToken);
        await ReceiveAsync(chips, consignee, "US", at.Plus(Duration.FromDays(3)), cancellationToken);
    }

    public Task InstallAsync(IReadOnlyList<string> chips, Actor operatorActor, Facility facility, string clusterId, Instant at, CancellationToken cancellationToken) =>
        StepAsync(chips, "installation", at, (chip, id) => new InstallChip(id, chip, facility, clusterId, "r01", operatorActor, at), cancellationToken);

    /// <summary>An unsigned delay attestation at the facility (the chips' licence-free, so rule 3 judges none of them).</summary>
    public Task AttestAsync(IReadOnlyList<string> chips, Actor operatorActor, Facility facility, Instant at, CancellationToken cancellationToken) =>
        StepAsync(chips, "attestation", at, (chip, id) => new AttestChipLocation(id, chip, facility.Id, "delay", 1.2m,
            $"landmark-{facility.Country.ToLowerInvariant()}", SignatureResult.Unsigned, operatorActor, at), cancellationToken);

    public Task AssignTenantAsync(IReadOnlyList<string> chips, Actor operatorActor, string tenantId, Instant from, Instant to, CancellationToken cancellationToken) =>
        StepAsync(chips, "tenancy", from, (chip, id) => new AssignChipTenant(id, chip, tenantId, from, to, operatorActor, from), cancellationToken);

    /// <summary>Taken out of the rack, back in the operator's stock.</summary>
    public Task RemoveAsync(IReadOnlyList<string> chips, Actor operatorActor, Instant at, CancellationToken cancellationToken) =>
        StepAsync(chips, "removal", at, (chip, id) => new RemoveChip(id, chip, "scenario over", operatorActor, at), cancellationToken);

    /// <summary>
    /// Removed from the rack and decommissioned an hour later: the chips leave the installation and the operator's stock,
    /// so a scenario raises nothing after it ends (no attestation silence, no idle stock).
    /// </summary>
    public async Task RetireAsync(IReadOnlyList<string> chips, Actor operatorActor, Instant at, CancellationToken cancellationToken)
    {
        await RemoveAsync(chips, operatorActor, at, cancellationToken);
        await DecommissionAsync(chips, operatorActor, at.Plus(Duration.FromHours(1)), cancellationToken);
    }

    /// <summary>Out of the operator's stock for good.</summary>
    public Task DecommissionAsync(IReadOnlyList<string> chips, Actor operatorActor, Instant at, CancellationToken cancellationToken) =>
        StepAsync(chips, "decommissioning", at, (chip, id) => new DecommissionChip(id, chip, "scenario over", operatorActor, at), cancellationToken);

    /// <summary>
    /// Rule 14 beside a scenario's site: the world sets <c>site_h100e</c> to a tenth of its chips, so a scenario site
    /// holding that many H100e at once raises the facility's flag and its operator's (its own ultimate parent), as the
    /// Colossus-scale site does. Only where the world is small enough for that.
    /// </summary>
    public void ExpectSiteConcentration(Facility facility, Actor operatorActor, decimal h100e, string scenario)
    {
        var threshold = Settings.ColossusInstalled;
        if (threshold == 0 || h100e < threshold) return;
        var sentence = $"{scenario}: {h100e} H100e at one site, the world's site threshold being {threshold}";
        world.Report.Anomalies.Inject(new InjectedFlag(14, "facility", facility.Id, sentence));
        world.Report.Anomalies.Inject(new InjectedFlag(14, "organisation", operatorActor.OrganisationId, sentence + " (its operator, its own ultimate parent)"));
    }

    /// <summary>One act on every chip given, all at <paramref name="at"/> (the same instant: one act of the rule's grouping).</summary>
    public async Task StepAsync(IReadOnlyList<string> chips, string kind, Instant at, Func<string, Guid, IChipCommand> build, CancellationToken cancellationToken)
    {
        var batch = chips.Select(chip => build(chip, Id($"{chip}/{kind}/{at.ToUnixTimeSeconds()}"))).ToList();
        world.Report.Record(await world.Commands.SendBatchAsync(batch, cancellationToken), $"{kind} of {chips.Count} chips (rule {rule}'s scenario)");
    }

    /// <summary>Offered and accepted: the buyer acquires the chips (the seller stays their custodian).</summary>
    public async Task SellAsync(IReadOnlyList<string> chips, Actor seller, Actor buyer, Instant at, CancellationToken cancellationToken)
    {
        await StepAsync(chips, "offer", at, (chip, id) => new OfferChipSale(id, chip, buyer.OrganisationId, seller, at), cancellationToken);
        await StepAsync(chips, "acceptance", at.Plus(Minute), (chip, id) => new AcceptChipSale(id, chip, buyer, at.Plus(Minute)), cancellationToken);
        foreach (var model in chips.GroupBy(chip => models[chip]))
        {
            world.Report.Anomalies.Acquired(buyer.OrganisationId, model.Key, at.Plus(Minute), model.Count(), world.Directory);
        }
    }

    /// <summary>
    /// Shipped by <paramref name="shipper"/> to <paramref name="consignee"/> (its own end user and payer; its own bill-to
    /// unless <paramref name="billTo"/> is given) in <paramref name="destination"/>, where no licence is needed (the model
    /// and country are the injector's to choose so).
    /// </summary>
    public Task ShipAsync(IReadOnlyList<string> chips, Actor shipper, Actor consignee, string consigneeCountry, string destination, AcceleratorSpec model, Instant at,
        CancellationToken cancellationToken, Actor? billTo = null)
    {
        var party = new PartyJurisdiction(consignee.OrganisationId, consigneeCountry, consignee.OrganisationId, consigneeCountry);
        var context = new ShipmentContext(Model(model).EffectiveSpecAt(at)!, party, party, null, null, 0, chips.Count);
        var to = consignee.OrganisationId;
        var bill = billTo?.OrganisationId ?? to;
        return StepAsync(chips, "shipment", at, (chip, id) => new ShipChip(id, chip, destination, to, to, bill, to, to, null, context, shipper, at), cancellationToken);
    }

    public Task ReceiveAsync(IReadOnlyList<string> chips, Actor consignee, string country, Instant at, CancellationToken cancellationToken) =>
        StepAsync(chips, "receipt", at, (chip, id) => new ReceiveChip(id, chip, country, consignee, at), cancellationToken);

    /// <summary>The rule must raise a flag on the subject.</summary>
    public void Expect(string subjectKind, string subjectId, string scenario) => world.Report.Anomalies.Inject(new InjectedFlag(rule, subjectKind, subjectId, scenario));

    /// <summary>The rule must raise nothing on the subject: a near miss.</summary>
    public void NearMiss(string subjectKind, string subjectId, string scenario) => world.Report.Anomalies.Miss(new InjectedFlag(rule, subjectKind, subjectId, scenario));

    private Guid Id(string label) => DeterministicIds.Derive(Settings.Root, $"anomaly/{label}");
}
