using ChipRegistry.Domain.Attestations;
using ChipRegistry.Domain.Catalog;
using ChipRegistry.Domain.Chips;
using ChipRegistry.Domain.Common;
using ChipRegistry.Domain.Facilities;
using ChipRegistry.Domain.Organisations;
using NodaTime;

namespace ChipRegistry.Domain.Tests.Chips;

/// <summary>Parties, facilities and helpers for given-events / when-command / then-events chip tests.</summary>
internal static class ChipWorld
{
    public const string ChipId = "nvidia:0001";
    public static readonly Instant T0 = Instant.FromUtc(2024, 6, 1, 12, 0);
    public static readonly Actor Mfr = new("mfr", OrganisationKind.Manufacturer);
    public static readonly Actor Op = new("op", OrganisationKind.Operator);
    public static readonly Actor Buyer = new("buyer", OrganisationKind.Distributor);
    public static readonly Actor Bis = new("bis", OrganisationKind.Agency);
    public static readonly Actor Stranger = new("stranger", OrganisationKind.Distributor);

    private static int clock;

    public static Instant Next() => T0 + Duration.FromMinutes(Interlocked.Increment(ref clock));

    public static Guid Id() => Guid.NewGuid();

    public static Actor ActorFor(string organisationId) => organisationId switch
    {
        "mfr" => Mfr,
        "op" => Op,
        "bis" => Bis,
        "buyer" => Buyer,
        _ => new Actor(organisationId, OrganisationKind.Distributor),
    };

    public static Facility FacilityOf(string operatorId, string facilityId = "f1", string country = "US") =>
        new(facilityId, operatorId, facilityId, country, 35.1m, -90.0m, 150m, [new Cluster("c1", "hall 1")]);

    public static PartyJurisdiction Party(string id, string country) => new(id, country, id, country);

    public static ShipmentContext Context(string consignee = "op", string country = "US") =>
        new(CatalogSeed.H100Sxm, Party(consignee, country), Party(consignee, country), null, null, 0);

    public static ChipState Unregistered(string chipId = ChipId) => ChipState.Initial(chipId);

    /// <summary>Decides and folds; the command must be accepted.</summary>
    public static ChipState Then(this ChipState state, IChipCommand command)
    {
        var decision = ChipDecisions.Decide(command, state);
        Assert.True(decision.IsAccepted, $"{command.GetType().Name}: {decision}");
        return decision.Events.Aggregate(state, ChipState.Evolve);
    }

    /// <summary>Decides against the whole history (voids included) and folds; the command must be accepted.</summary>
    public static ChipHistory Then(this ChipHistory history, IChipCommand command)
    {
        var decision = ChipDecisions.Decide(command, history);
        Assert.True(decision.IsAccepted, $"{command.GetType().Name}: {decision}");
        return decision.Events.Aggregate(history, (h, e) => h.Evolve(e));
    }

    public static ChipState InStock(string chipId = ChipId) => InStockHistory(chipId).State;

    public static ChipHistory InStockHistory(string chipId = ChipId) =>
        ChipHistory.Initial(chipId).Then(new RegisterChip(Id(), chipId, CatalogSeed.H100Sxm.ModelId, "lot-1", "TW", Mfr, Next()));

    public static ShipChip Ship(ChipState s, Actor actor, string consignee = "op", string country = "US", ShipmentContext? context = null) =>
        new(Id(), s.ChipId, country, consignee, consignee, consignee, consignee, consignee, null, context ?? Context(consignee, country), actor, Next());

    public static ChipState InTransit(string chipId = ChipId) => InStock(chipId).Then(Ship(InStock(chipId), Mfr));

    public static ChipState Installed(string chipId = ChipId) => InstalledHistory(chipId).State;

    public static ChipHistory InstalledHistory(string chipId = ChipId)
    {
        var s = InStockHistory(chipId);
        s = s.Then(Ship(s.State, Mfr));
        s = s.Then(new ReceiveChip(Id(), chipId, "US", Op, Next()));
        return s.Then(new InstallChip(Id(), chipId, FacilityOf("op"), "c1", "r1", Op, Next()));
    }

    /// <summary>The named states of docs/lifecycle.md.</summary>
    public static ChipHistory Named(string name) => name switch
    {
        "unregistered" => ChipHistory.Initial(ChipId),
        "in_stock" => InStockHistory(),
        "sale_offered" => InStockHistory().Then(new OfferChipSale(Id(), ChipId, "buyer", Mfr, Next())),
        "packed" => InStockHistory().Then(new PackChip(Id(), ChipId, "asm1", Mfr, Next())),
        "in_transit" => InStockHistory().Then(Ship(InStock(), Mfr)),
        "installed" => InstalledHistory(),
        "decommissioned" => InStockHistory().Then(new DecommissionChip(Id(), ChipId, "end of life", Mfr, Next())),
        "destroyed" => InStockHistory().Then(new DestroyChip(Id(), ChipId, "shredded", Mfr, Next())),
        "missing" => InStockHistory().Then(new ReportChipMissing(Id(), ChipId, MissingKind.Lost, "fell off a truck", Mfr, Next())),
        "on_hold" => InStockHistory().Then(new PlaceChipHold(Id(), ChipId, "investigation", Bis, Next())),
        "illegitimate" => InStockHistory().Then(new DeclareChipIllegitimate(Id(), ChipId, "counterfeit", Bis, Next())),
        _ => throw new ArgumentOutOfRangeException(nameof(name), name, "no such named state"),
    };

    /// <summary>
    /// The command of the given type as its rightful party would send it in state <paramref name="s"/>, or as
    /// <paramref name="asStranger"/> sends it when given.
    /// </summary>
    public static IChipCommand Canonical(Type type, ChipHistory history, Actor? asStranger = null)
    {
        ArgumentNullException.ThrowIfNull(history);
        var s = history.State;
        var custodian = asStranger ?? ActorFor(s.CustodianId ?? "mfr");
        var at = Next();
        var id = Id();
        return type.Name switch
        {
            nameof(RegisterChip) => new RegisterChip(id, s.ChipId, CatalogSeed.H100Sxm.ModelId, "lot-1", "TW", asStranger ?? Mfr, at),
            nameof(OfferChipSale) => new OfferChipSale(id, s.ChipId, "buyer", asStranger ?? ActorFor(s.OwnerId ?? "mfr"), at),
            nameof(AcceptChipSale) => new AcceptChipSale(id, s.ChipId, asStranger ?? ActorFor(s.Offer?.BuyerId ?? "buyer"), at),
            nameof(ShipChip) => Ship(s, custodian),
            nameof(ReceiveChip) => new ReceiveChip(id, s.ChipId, "US", asStranger ?? ActorFor(s.Shipment?.ConsigneeId ?? s.CustodianId ?? "mfr"), at),
            nameof(InstallChip) => new InstallChip(id, s.ChipId, FacilityOf(custodian.OrganisationId, s.Installation?.FacilityId ?? "f1"), "c1", "r2", custodian, at),
            nameof(AssignChipTenant) => new AssignChipTenant(id, s.ChipId, "tenant", at, null, custodian, at),
            nameof(AttestChipLocation) => new AttestChipLocation(id, s.ChipId, s.Installation?.FacilityId ?? "f1", "rtt", 4.2m, "landmark-1", SignatureResult.Valid, custodian, at),
            nameof(RemoveChip) => new RemoveChip(id, s.ChipId, "maintenance", custodian, at),
            nameof(ReturnChip) => new ReturnChip(id, s.ChipId, "RMA-1", "US", custodian, at),
            nameof(DecommissionChip) => new DecommissionChip(id, s.ChipId, "end of life", custodian, at),
            nameof(DestroyChip) => new DestroyChip(id, s.ChipId, "shredded", custodian, at),
            nameof(ReportChipMissing) => new ReportChipMissing(id, s.ChipId, MissingKind.Stolen, "break-in", custodian, at),
            nameof(PackChip) => new PackChip(id, s.ChipId, "asm1", custodian, at),
            nameof(UnpackChip) => new UnpackChip(id, s.ChipId, s.AssemblyId ?? "asm1", custodian, at),
            nameof(ReportChipObservation) => new ReportChipObservation(id, s.ChipId, "sighting", null, null, "seen", custodian, at),
            nameof(PlaceChipHold) => new PlaceChipHold(id, s.ChipId, "investigation", asStranger ?? Bis, at),
            nameof(ReleaseChipHold) => new ReleaseChipHold(id, s.ChipId, "cleared", asStranger ?? Bis, at),
            nameof(DeclareChipIllegitimate) => new DeclareChipIllegitimate(id, s.ChipId, "counterfeit", asStranger ?? Bis, at),
            nameof(VoidChipEvent) => history.Effective.LastOrDefault() is { } newest
                ? new VoidChipEvent(id, s.ChipId, newest.EventId, "entered in error", asStranger ?? ActorFor(newest.RecordedBy), at)
                : new VoidChipEvent(id, s.ChipId, Guid.NewGuid(), "entered in error", asStranger ?? Mfr, at),
            _ => throw new ArgumentOutOfRangeException(nameof(type), type.Name, "no canonical command: add one"),
        };
    }
}
