using ChipRegistry.Domain.Catalog;
using ChipRegistry.Domain.Chips;
using ChipRegistry.Domain.Common;
using ChipRegistry.Domain.Detection.PreRuleSurge;
using ChipRegistry.Domain.Detection.Thresholds;
using ChipRegistry.Domain.Licences;
using ChipRegistry.Domain.Organisations;
using ChipRegistry.Domain.Policy;
using NodaTime;

namespace ChipRegistry.World.Anomalies;

/// <summary>
/// The anomalies a generated world holds that the built detection rules judge, counted by the world from the acts it
/// issued and the ticks it gave (never read from the flags): the flags each rule should raise once the daemon has
/// caught up, grouped as docs/detection.md groups them. The world injects none on purpose; these come from its routes:
/// shipments without the licence they need (rule 16), shipments whose licence answer changed between their business
/// date and the tick they were recorded under (rule 17), and, when the timeline cuts a life short, shipments never
/// received (rule 1) or installations by another party than the licensed end user (rule 2).
/// Rule 7 is judged from every acquisition the world made (lots fabricated, sales accepted, the injectors' too), counted
/// per organisation and instant, by the rule's own pure judgement: the world's manufacturers fabricate unevenly, and a
/// manufacturer whose lots rise before a rule date surges as any buyer would.
/// Thresholds are the defaults (30 days for rule 17 and international custody, 10 domestic): the world changes none
/// that these rules read. Memory: group keys of what is flagged, the current lot's chips, and one count per
/// organisation and acquiring instant.
/// </summary>
public sealed class WorldAnomalies
{
    private static readonly Duration LateReport = Duration.FromDays(30);
    private static readonly Duration International = Duration.FromDays(30);
    private static readonly Duration Domestic = Duration.FromDays(10);
    private static readonly Duration Transshipment = Duration.FromDays(14);
    private static readonly HashSet<string> Hubs = new(["SG", "MY", "TH", "HK", "AE"], StringComparer.Ordinal);

    private readonly HashSet<string> custodyGaps = new(StringComparer.Ordinal);
    private readonly HashSet<string> mismatches = new(StringComparer.Ordinal);
    private readonly HashSet<string> licenceChecks = new(StringComparer.Ordinal);
    private readonly HashSet<string> lateReports = new(StringComparer.Ordinal);
    private readonly HashSet<string> payers = new(StringComparer.Ordinal);
    private readonly HashSet<string> hops = new(StringComparer.Ordinal);
    private readonly HashSet<string> mislocations = new(StringComparer.Ordinal);
    private readonly HashSet<string> conflicts = new(StringComparer.Ordinal);
    private readonly Dictionary<string, ChipTrack> lot = new(StringComparer.Ordinal);
    private readonly Dictionary<string, List<AcquisitionCount>> acquisitions = new(StringComparer.Ordinal);
    private readonly List<InjectedFlag> injected = [];
    private readonly List<InjectedFlag> nearMisses = [];
    private Instant? lastTick;

    /// <summary>Rule 1, custody gap: shipping acts with a chip not received by its deadline (judged at the last tick).</summary>
    public int CustodyGaps => custodyGaps.Count;

    /// <summary>Rule 2, consignee or end-user mismatch: receiving or installing acts by another party than the licensed shipment named.</summary>
    public int ConsigneeMismatches => mismatches.Count;

    /// <summary>Rule 16, licence check failed: shipping acts per failing result.</summary>
    public int LicenceChecksFailed => licenceChecks.Count;

    /// <summary>Rule 17, late or backdated report: recording acts recorded late, or whose licence answer differs between business and recorded date.</summary>
    public int LateReports => lateReports.Count;

    /// <summary>Rule 3, location mismatch: facilities where a licensed chip was reported in another country than its licence's destination, per licence.</summary>
    public int LocationMismatches => mislocations.Count;

    /// <summary>Rule 4, payer jurisdiction: shipping acts paid by a party in (or under a parent in) D:5 or Macau for a consignee that is not.</summary>
    public int PayerJurisdictions => payers.Count;

    /// <summary>Rule 6, transshipment hop: re-exports from a watch-list hub within 14 days of the chips' arrival there.</summary>
    public int TransshipmentHops => hops.Count;

    /// <summary>Rule 11, impossible serial: chips reported at another facility while installed at their own.</summary>
    public int ImpossibleSerials => conflicts.Count;

    /// <summary>
    /// Rule 7, pre-rule surge: the organisations and rule dates whose acquisitions surge before the rule took effect, at
    /// an instant a tick has reached (the subjects, one per rule date).
    /// </summary>
    public IReadOnlyList<string> PreRuleSurges
    {
        get
        {
            if (lastTick is not { } last) return [];
            var thresholds = new ThresholdCalendar();
            return [.. acquisitions.SelectMany(a => PreRuleSurgeJudgement.Find(a.Key, a.Value, thresholds))
                .Where(f => f.Surge is { } surge && surge.At <= last).Select(f => PreRuleSurgeJudgement.SubjectOf(f.GroupKey))];
        }
    }

    /// <summary>What the injectors meant each rule to raise, and on what (<see cref="IAnomalyInjector"/>).</summary>
    public IReadOnlyList<InjectedFlag> Injected => injected;

    /// <summary>The injectors' near misses: subjects a rule must raise nothing on.</summary>
    public IReadOnlyList<InjectedFlag> NearMisses => nearMisses;

    /// <summary>
    /// Each rule's number and the flags it should hold: what the routes produce (rules 1, 2, 3, 4, 6, 11, 16 and 17) and
    /// what the injectors injected (every rule but 2, 3, 4, 6, 11 and 17; rule 14 from the Colossus-scale site too).
    /// </summary>
    public IReadOnlyList<(int Rule, string Name, int Flags)> ByRule =>
    [
        (1, "custody_gap", CustodyGaps + InjectedFor(1)),
        (2, "consignee_mismatch", ConsigneeMismatches + InjectedFor(2)),
        (3, "location_mismatch", LocationMismatches + InjectedFor(3)),
        (4, "payer_jurisdiction", PayerJurisdictions + InjectedFor(4)),
        (5, "divergence", InjectedFor(5)),
        (6, "transshipment_hop", TransshipmentHops + InjectedFor(6)),
        (7, "pre_rule_surge", PreRuleSurgeFlags),
        (8, "idle_inventory", InjectedFor(8)),
        (9, "new_entity", InjectedFor(9)),
        (10, "over_capacity", InjectedFor(10)),
        (11, "impossible_serial", ImpossibleSerials + InjectedFor(11)),
        (12, "attestation_silence", InjectedFor(12)),
        (13, "restricted_tenancy", InjectedFor(13)),
        (14, "concentration_threshold", InjectedFor(14)),
        (15, "tainted_origin", InjectedFor(15)),
        (16, "licence_check", LicenceChecksFailed + InjectedFor(16)),
        (17, "late_report", LateReports + InjectedFor(17)),
    ];

    /// <summary>Chips installed at the Colossus-scale site by lots whose installations all fell inside the timeline.</summary>
    internal int ColossusInstalled { get; private set; }

    internal void ColossusLotInstalled(int chips) => ColossusInstalled += chips;

    internal void Inject(InjectedFlag flag) => injected.Add(flag);

    internal void Miss(InjectedFlag flag) => nearMisses.Add(flag);

    private int InjectedFor(int rule) => injected.Count(f => f.Rule == rule);

    /// <summary>The surges the acquisitions show, and any injected one they do not (which the test then reports as missing).</summary>
    private int PreRuleSurgeFlags
    {
        get
        {
            var found = PreRuleSurges;
            return found.Count + injected.Count(f => f.Rule == PreRuleSurgeJudgement.Rule && !found.Contains(f.SubjectId, StringComparer.Ordinal));
        }
    }

    /// <summary>
    /// An organisation acquired <paramref name="count"/> chips of the model at <paramref name="at"/> (a lot it made, sales
    /// it accepted): rule 7 counts them for it and again for its ultimate parent on that date.
    /// </summary>
    internal void Acquired(string acquirerId, string modelId, Instant at, int count, OrganisationDirectory directory)
    {
        var parent = directory.UltimateParentId(acquirerId, at.InUtc().Date);
        foreach (var subject in parent == acquirerId ? [acquirerId] : new[] { acquirerId, parent })
        {
            if (!acquisitions.TryGetValue(subject, out var list)) acquisitions[subject] = list = [];
            list.Add(new AcquisitionCount(modelId, at, count, 0));
        }
    }

    internal void Tick(Instant at) => lastTick = lastTick is { } last && last >= at ? last : at;

    internal void LotRegistered(IEnumerable<string> chipIds, string country)
    {
        lot.Clear();
        foreach (var chipId in chipIds) lot[chipId] = new ChipTrack { Country = country };
    }

    /// <summary>A lot lived to its end: its shipments still open are judged against the timeline's last tick (where there are ticks).</summary>
    internal void LotEnded(Instant finalTick)
    {
        if (lastTick is null)
        {
            lot.Clear();
            return;
        }
        foreach (var track in lot.Values)
        {
            if (track.Open is { } open && open.Deadline <= finalTick) custodyGaps.Add(open.Group);
        }
        lot.Clear();
    }

    /// <summary>An accepted chip act, with what the world knew when it issued it.</summary>
    internal void Accepted(IChipCommand command, OrganisationDirectory directory, IReadOnlyDictionary<string, AcceleratorModel> models, string modelId)
    {
        var track = lot.GetValueOrDefault(command.ChipId);
        switch (command)
        {
            case ShipChip ship:
                Shipped(ship, track, directory, models[modelId]);
                break;
            case ReceiveChip receipt:
                LateRecorded(receipt.Actor.OrganisationId, "receipt", receipt.Country, receipt.At);
                if (track is not null)
                {
                    if (track.Open is { } open && open.Consignee == receipt.Actor.OrganisationId)
                    {
                        if (lastTick is not null && receipt.At > open.Deadline) custodyGaps.Add(open.Group);
                        track.Open = null;
                    }
                    (track.Country, track.ArrivedAt) = (receipt.Country, receipt.At);
                }
                break;
            case ReportChipObservation observation when track is not null && observation.FacilityId is not null:
                conflicts.Add(observation.ChipId);
                if (track.Licensed is { } licence && observation.Country != licence.Destination) mislocations.Add($"{observation.FacilityId}|{licence.Number}");
                break;
            case AcceptChipSale acceptance:
                Acquired(acceptance.Actor.OrganisationId, modelId, acceptance.At, 1, directory);
                break;
            case ReturnChip:
                if (track is not null) (track.Open, track.Licensed, track.ArrivedAt) = (null, null, null);
                break;
            case InstallChip install when track?.Licensed is { } licensed && licensed.EndUser != install.Actor.OrganisationId:
                mismatches.Add($"{install.Actor.OrganisationId}|installation|{install.At}|{licensed.Group}");
                break;
        }
    }

    private void Shipped(ShipChip ship, ChipTrack? track, OrganisationDirectory directory, AcceleratorModel model)
    {
        var shipper = ship.Actor.OrganisationId;
        var date = ship.At.InUtc().Date;
        var requirement = Stricter(
            LicenceRequirement.Evaluate(new LicenceQuestion(ship.Context.Model, ship.DestinationCountry, ship.Context.Consignee, date)),
            LicenceRequirement.Evaluate(new LicenceQuestion(ship.Context.Model, ship.DestinationCountry, ship.Context.EndUser, date)));
        var number = ship.AuthorisationNumber;
        var check = LicenceCheck.Check(new LicenceCheckInput(requirement, ship.Context.Model.ModelId, ship.ConsigneeId, ship.Context.ShipmentQuantity, date,
            ship.Context.Licence, ship.Context.AlreadyShippedUnderLicence, ship.Context.Notification));
        if (check.Result is not (LicenceCheckResult.Ok or LicenceCheckResult.NoneNeeded))
        {
            licenceChecks.Add($"{shipper}|{ship.ConsigneeId}|{ship.DestinationCountry}|{ship.At}|{check.Result.ToCode()}");
        }
        if (LateRecorded(shipper, "shipment", ship.DestinationCountry, ship.At) is { } recorded
            && VerdictAt(ship, model, directory, ship.At) != VerdictAt(ship, model, directory, recorded))
        {
            lateReports.Add($"{shipper}|shipment|{ship.DestinationCountry}|{ship.At}|{recorded}");
        }
        if (directory.Jurisdiction(ship.PayerId, date) is { } payer && directory.Jurisdiction(ship.ConsigneeId, date) is { } consignee
            && (Restricted(payer.Country, date) || Restricted(payer.UltimateParentCountry, date)) && !Restricted(consignee.Country, date))
        {
            payers.Add($"{shipper}|{ship.PayerId}|{ship.ConsigneeId}|{ship.DestinationCountry}|{ship.At}");
        }
        if (track is null) return;
        if (track.ArrivedAt is { } arrived && Hubs.Contains(track.Country) && ship.DestinationCountry != track.Country && ship.At - arrived <= Transshipment)
        {
            hops.Add($"{shipper}|{track.Country}|{ship.ConsigneeId}|{ship.DestinationCountry}|{ship.At}");
        }
        track.ArrivedAt = null;
        var group = $"{shipper}|{track.Country}|{ship.ConsigneeId}|{ship.DestinationCountry}|{ship.At}";
        var deadline = ship.At.Plus(track.Country == ship.DestinationCountry ? Domestic : International);
        track.Open = new OpenShipment(ship.ConsigneeId, deadline, group);
        track.Licensed = number is null ? null : new LicensedShipment(ship.EndUserId, group, ship.DestinationCountry, number);
    }

    /// <summary>The recorded instant (the last tick) of a shipment or receipt, after counting it when it is more than 30 days late; null before the first tick.</summary>
    private Instant? LateRecorded(string recorder, string kind, string country, Instant at)
    {
        if (lastTick is not { } recorded) return null;
        if (recorded - at > LateReport) lateReports.Add($"{recorder}|{kind}|{country}|{at}|{recorded}");
        return recorded;
    }

    private static LicenceVerdict? VerdictAt(ShipChip ship, AcceleratorModel model, OrganisationDirectory directory, Instant at)
    {
        var spec = model.EffectiveSpecAt(at) ?? model.EffectiveSpec;
        var date = at.InUtc().Date;
        if (directory.Jurisdiction(ship.ConsigneeId, date) is not { } consignee || directory.Jurisdiction(ship.EndUserId, date) is not { } endUser) return null;
        return Stricter(
            LicenceRequirement.Evaluate(new LicenceQuestion(spec, ship.DestinationCountry, consignee, date)),
            LicenceRequirement.Evaluate(new LicenceQuestion(spec, ship.DestinationCountry, endUser, date))).Verdict;
    }

    private static bool Restricted(string country, LocalDate date) => CountryGroups.IsD5OrMacau(Countries.AsTreatedByEar(country), date);

    /// <summary>As the shipment decides it: a requirement beats an undetermined answer beats none.</summary>
    private static LicenceAnswer Stricter(LicenceAnswer consignee, LicenceAnswer endUser) =>
        consignee.Required ? consignee
        : endUser.Required ? endUser
        : consignee.Verdict == LicenceVerdict.Undetermined ? consignee
        : endUser;

    private sealed class ChipTrack
    {
        public string Country { get; set; } = "";

        /// <summary>When the chip last arrived (its latest receipt), until it is shipped on or returned.</summary>
        public Instant? ArrivedAt { get; set; }

        public OpenShipment? Open { get; set; }

        public LicensedShipment? Licensed { get; set; }
    }

    private sealed record OpenShipment(string Consignee, Instant Deadline, string Group);

    private sealed record LicensedShipment(string EndUser, string Group, string Destination, string Number);
}
