using ChipRegistry.Domain.Catalog;
using ChipRegistry.Domain.Chips;
using ChipRegistry.Domain.Common;
using ChipRegistry.Domain.Organisations;
using ChipRegistry.World.Cast;
using NodaTime;

namespace ChipRegistry.World.Anomalies;

/// <summary>
/// What an injector issues its scenario through: organisations of its own (ids <c>anomaly-</c> + the rule and a name),
/// chips of its own (a lot per scenario, serials carrying the seed's tag), and batches of one act on many chips, all to
/// the world's sink and counted in its report. It records what each scenario must raise and what it must not.
/// </summary>
internal sealed class AnomalyScene(WorldContext world, int rule)
{
    private static readonly Duration Minute = Duration.FromMinutes(1);

    public WorldSettings Settings => world.Settings;

    public Actor Nvidia => world.Organisations[WorldOrganisations.Nvidia].Actor;

    public AcceleratorModel Model(AcceleratorSpec spec) => world.Models[spec.ModelId];

    /// <summary>An organisation id of this rule's scenarios.</summary>
    public string OrganisationId(string name) => $"anomaly-r{rule:D2}-{name}";

    public async Task<Actor> RegisterOrganisationAsync(string name, OrganisationKind kind, string country, LocalDate foundedOn, Instant at, CancellationToken cancellationToken)
    {
        var id = OrganisationId(name);
        world.Report.Record(await world.Commands.SendAsync(
            new RegisterOrganisation(id, $"Anomaly {rule} {name}", kind, country, foundedOn, BuiltInOrganisations.RegistryAdmin, at), cancellationToken), $"registering {id}");
        return new Actor(id, kind);
    }

    /// <summary>A lot of <paramref name="count"/> chips of the model, made in Taiwan by its manufacturer (NVIDIA's models only).</summary>
    public async Task<IReadOnlyList<string>> FabricateAsync(string name, AcceleratorSpec model, int count, Instant at, CancellationToken cancellationToken)
    {
        var lotId = $"{Settings.Tag}-r{rule:D2}-{name}";
        var chips = Enumerable.Range(1, count).Select(i => $"{WorldOrganisations.Nvidia}:{lotId}-{i:D4}").ToList();
        world.Report.Record(await world.Commands.RegisterLotAsync(
            new RegisterChipLot(Id($"lot/{lotId}"), lotId, model.ModelId, "TW", Nvidia, at), chips, cancellationToken), $"lot {lotId}");
        world.Report.InjectedChips += count;
        return chips;
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
    }

    /// <summary>
    /// Shipped by <paramref name="shipper"/> to <paramref name="consignee"/> (its own end user, bill-to and payer) in
    /// <paramref name="destination"/>, where no licence is needed (the model and country are the injector's to choose so).
    /// </summary>
    public Task ShipAsync(IReadOnlyList<string> chips, Actor shipper, Actor consignee, string consigneeCountry, string destination, AcceleratorSpec model, Instant at,
        CancellationToken cancellationToken)
    {
        var party = new PartyJurisdiction(consignee.OrganisationId, consigneeCountry, consignee.OrganisationId, consigneeCountry);
        var context = new ShipmentContext(Model(model).EffectiveSpecAt(at)!, party, party, null, null, 0, chips.Count);
        var to = consignee.OrganisationId;
        return StepAsync(chips, "shipment", at, (chip, id) => new ShipChip(id, chip, destination, to, to, to, to, to, null, context, shipper, at), cancellationToken);
    }

    public Task ReceiveAsync(IReadOnlyList<string> chips, Actor consignee, string country, Instant at, CancellationToken cancellationToken) =>
        StepAsync(chips, "receipt", at, (chip, id) => new ReceiveChip(id, chip, country, consignee, at), cancellationToken);

    /// <summary>The rule must raise a flag on the subject.</summary>
    public void Expect(string subjectKind, string subjectId, string scenario) => world.Report.Anomalies.Inject(new InjectedFlag(rule, subjectKind, subjectId, scenario));

    /// <summary>The rule must raise nothing on the subject: a near miss.</summary>
    public void NearMiss(string subjectKind, string subjectId, string scenario) => world.Report.Anomalies.Miss(new InjectedFlag(rule, subjectKind, subjectId, scenario));

    private Guid Id(string label) => DeterministicIds.Derive(Settings.Root, $"anomaly/{label}");
}
