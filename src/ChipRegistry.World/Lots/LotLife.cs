using Bogus;
using ChipRegistry.Domain.Attestations;
using ChipRegistry.Domain.Chips;
using ChipRegistry.Domain.Common;
using ChipRegistry.Domain.Licences;
using ChipRegistry.Domain.Organisations;
using ChipRegistry.Domain.Persistence;
using ChipRegistry.Domain.Policy;
using ChipRegistry.World.Cast;
using NodaTime;

namespace ChipRegistry.World.Lots;

/// <summary>
/// Lives one lot through the domain's commands: fabrication (the bulk lot path), each sale and shipment (the batch
/// path, one multi-stream append per step), then the route's tail, scheduled per chip and appended in business-time
/// order in batches of consecutive acts of one kind. Every chip's acts are dated after its previous one; nothing is
/// dated at or after <see cref="WorldSettings.Until"/>, so a lot made late stops wherever the timeline ends.
/// </summary>
internal sealed class LotLife
{
    private static readonly Duration Day = Duration.FromDays(1);

    /// <summary>How often an installed chip's location is attested: under rule 12's 30 days of silence, with room for the jitter.</summary>
    private static readonly Duration AttestationCadence = Duration.FromDays(25);

    private readonly WorldContext world;
    private readonly LotPlan plan;
    private readonly Randomizer random;
    private readonly List<LotChip> chips;
    private readonly Actor manufacturer;
    private int hop;

    public LotLife(WorldContext world, LotPlan plan)
    {
        this.world = world;
        this.plan = plan;
        random = new Randomizer(plan.Seed);
        chips = [.. Enumerable.Range(1, plan.Size).Select(i => new LotChip($"{plan.ManufacturerId}:{world.Settings.Tag}-{plan.Number:D6}-{i:D4}"))];
        manufacturer = world.Organisations[plan.ManufacturerId].Actor;
    }

    private WorldOrganisations Orgs => world.Organisations;

    private CancellationToken Cancel { get; init; }

    public static async Task LiveAsync(WorldContext world, LotPlan plan, CancellationToken cancellationToken)
    {
        await new LotLife(world, plan) { Cancel = cancellationToken }.LiveAsync();
        world.Report.Anomalies.LotEnded(world.Settings.FinalTick);
    }

    /// <summary>One act on many chips, all or nothing; what it appended is counted, and the anomaly count told what was accepted.</summary>
    private async Task SendBatchAsync(IReadOnlyList<IChipCommand> batch, string what)
    {
        world.Report.Record(await world.Commands.SendBatchAsync(batch, Cancel), what);
        foreach (var command in batch) world.Report.Anomalies.Accepted(command, world.Directory, world.Models, plan.Model.ModelId);
    }

    private async Task LiveAsync()
    {
        var lot = new RegisterChipLot(Id($"lot/{plan.LotId}"), plan.LotId, plan.Model.ModelId, plan.FabCountry, manufacturer, plan.FabricatedAt);
        world.Report.Record(await world.Commands.RegisterLotAsync(lot, [.. chips.Select(c => c.Id)], Cancel), $"lot {plan.LotId}");
        world.Report.Anomalies.LotRegistered(chips.Select(c => c.Id), plan.FabCountry);
        world.Report.Anomalies.Acquired(plan.ManufacturerId, plan.Model.ModelId, plan.FabricatedAt, chips.Count, world.Directory);
        foreach (var chip in chips) (chip.Last, chip.Acts) = (plan.FabricatedAt, 1);
        var at = plan.FabricatedAt;
        switch (plan.Route)
        {
            case LotRoute.Colossus:
                var colossus = Orgs[WorldOrganisations.ColossusOperator];
                if (await SellAndShipAsync(chips, manufacturer, colossus, "US", colossus.Id, at, sale: true) is not { } delivered) return;
                await LiveColossusAsync(delivered);
                break;
            case LotRoute.Installed:
                await LiveInstalledAsync(at);
                break;
            case LotRoute.Stockpile:
                await SellAndShipAsync(chips, manufacturer, StockpileBuyer(), null, null, at, sale: true);
                break;
            case LotRoute.Transshipment:
                await LiveTransshipmentAsync(at);
                break;
        }
    }

    private WorldOrganisation StockpileBuyer()
    {
        var date = plan.FabricatedAt.InUtc().Date;
        if (date < new LocalDate(2022, 2, 15)) return Orgs["dist-ru"];
        if (plan.ManufacturerId is WorldOrganisations.Huawei or WorldOrganisations.Cambricon || plan.Model.ModelId == Domain.Catalog.CatalogSeed.H20.ModelId) return Orgs["dist-cn"];
        return Orgs[random.ArrayElement(new[] { "dist-hk", "dist-my", "dist-ae", "dist-us", "dist-de", "dist-in", "dist-jp", "dist-br", "dist-za", "dist-au" })];
    }

    private async Task LiveInstalledAsync(Instant at)
    {
        var facility = plan.Facility!;
        var op = Orgs[facility.OperatorId];
        var domestic = plan.FabCountry == facility.Country;
        Instant? delivered;
        if (domestic || random.Bool(0.45f))
        {
            delivered = await SellAndShipAsync(chips, manufacturer, op, facility.Country, op.Id, at, sale: true);
        }
        else
        {
            var distributor = Orgs.DistributorFor(facility.Country);
            if (await SellAndShipAsync(chips, manufacturer, distributor, distributor.Country, op.Id, at, sale: true) is not { } atDistributor) return;
            // A distributor keeps the lot a fortnight or more before shipping it on: a quicker re-export from a hub is rule 6's transshipment hop.
            delivered = await SellAndShipAsync(chips, distributor.Actor, op, facility.Country, op.Id, atDistributor.Plus(Day * random.Int(15, 40)), sale: true);
        }
        if (delivered is not { } received) return;
        await LiveAtFacilityAsync(facility, op, received.Plus(Day * random.Int(3, 15)));
    }

    /// <summary>Installed, rented, attested; a few returned under RMA, older ones retired and destroyed, some moved back to stock.</summary>
    private async Task LiveAtFacilityAsync(WorldFacility facility, WorldOrganisation op, Instant installAt)
    {
        var acts = new List<LotAct>();
        var cloud = WorldOrganisations.Clouds.Contains(op.Id);
        var (tenantA, tenantB) = Tenants(op.Id, installAt);
        var observer = Orgs.All.Where(o => o.Kind == OrganisationKind.Operator && o.Id != op.Id).ElementAt(random.Int(0, 20));
        var observed = random.Bool(0.2f) ? random.Int(0, chips.Count - 1) : -1;
        var voided = random.Bool(0.1f) ? random.Int(0, chips.Count - 1) : -1;
        var old = plan.FabricatedAt < Instant.FromUtc(2023, 6, 1, 0, 0);
        // Removals come in a few waves per lot (a failed batch of boards, a hall retired, a rack freed), so they batch.
        var rmaWaves = Waves(installAt.Plus(Day * 30), 3, 670);
        var retirementWaves = Waves(Instant.FromUtc(2025, 6, 1, 10, 0), 2, 340);
        var freedWaves = Waves(installAt.Plus(Day * 60), 2, 540);
        for (var i = 0; i < chips.Count; i++)
        {
            var chip = chips[i];
            var installed = Jitter(installAt);
            var cluster = random.ListItem(facility.Clusters.ToList());
            var rack = $"r{random.Int(1, 40):D2}";
            acts.Add(new(installed, chip, "install", op.Actor, (id, t) => new InstallChip(id, chip.Id, world.Sites[facility.Id], cluster, rack, op.Actor, t)));
            Instant? removal = null;
            string? why = null;
            if (random.Bool(0.02f)) (removal, why) = (Jitter(random.ArrayElement(rmaWaves)), "rma");
            else if (old && random.Bool(0.3f)) (removal, why) = (Jitter(random.ArrayElement(retirementWaves)), "end of life");
            else if (random.Bool(0.03f)) (removal, why) = (Jitter(random.ArrayElement(freedWaves)), "capacity freed");
            var until = removal is { } r && r < world.Settings.Until ? r : world.Settings.Until;
            if (cloud)
            {
                var first = installAt.Plus(Day * 5);
                // A year's lease; one that would end after the timeline is reported open-ended: the world does not know
                // the future, and the registry refuses a business time after its now.
                if (first < until) acts.Add(new(Jitter(first), chip, "tenancy", op.Actor, (id, t) => new AssignChipTenant(id, chip.Id, tenantA, t, LeaseEnd(t), op.Actor, t)));
                var second = first.Plus(Day * 366);
                if (second < until) acts.Add(new(Jitter(second), chip, "tenancy", op.Actor, (id, t) => new AssignChipTenant(id, chip.Id, tenantB, t, null, op.Actor, t)));
            }
            AddAttestations(acts, chip, op, facility, installAt, installed, until, voided == i);
            if (observed == i && installAt.Plus(Day * 45) < until)
            {
                var elsewhere = world.Facilities.All.First(f => f.OperatorId == observer.Id);
                acts.Add(new(Jitter(installAt.Plus(Day * 45)), chip, "observation", observer.Actor, (id, t) => new ReportChipObservation(
                    id, chip.Id, "location_attestation", elsewhere.Id, elsewhere.Country, $"serial read on a server at {elsewhere.Id}", observer.Actor, t)));
            }
            if (removal is { } out_ && why is not null) AddRemoval(acts, chip, op, out_, why);
        }
        await RunAgendaAsync(acts);
    }

    private Instant[] Waves(Instant from, int count, int overDays) =>
        [.. Enumerable.Range(0, count).Select(_ => from.Plus(Day * random.Int(0, overDays)).Plus(Duration.FromHours(4)))];

    private void AddAttestations(List<LotAct> acts, LotChip chip, WorldOrganisation op, WorldFacility facility, Instant grid, Instant from, Instant until, bool voidFirst)
    {
        var first = true;
        // Every 25 days while installed: with the jitter of a few hours no chip goes 30 days unattested (rule 12's silence).
        for (var t = grid.Plus(AttestationCadence); t < until; t = t.Plus(AttestationCadence))
        {
            if (t <= from) continue;
            var at = Jitter(t);
            // The jitter can carry an attestation past the chip's removal (an RMA at 08:00, the grid a few hours before).
            if (at >= until) break;
            var roundTrip = Math.Round((decimal)random.Double(0.4, 3.5), 2);
            Guid? attestationId = null;
            acts.Add(new(at, chip, "attestation", op.Actor, (id, when) =>
            {
                attestationId = id;
                return new AttestChipLocation(id, chip.Id, facility.Id, "delay", roundTrip, $"landmark-{facility.Country.ToLowerInvariant()}", SignatureResult.Unsigned, op.Actor, when);
            }));
            if (first && voidFirst && at.Plus(Duration.FromHours(2)) < until)
            {
                acts.Add(new(at.Plus(Duration.FromHours(1)), chip, "void", op.Actor, (id, when) =>
                    new VoidChipEvent(id, chip.Id, attestationId!.Value, "attested against the wrong rack", op.Actor, when)));
                // The operator attests again at once, so the voided one leaves no silence behind it.
                acts.Add(new(at.Plus(Duration.FromHours(2)), chip, "attestation", op.Actor, (id, when) =>
                    new AttestChipLocation(id, chip.Id, facility.Id, "delay", roundTrip, $"landmark-{facility.Country.ToLowerInvariant()}", SignatureResult.Unsigned, op.Actor, when)));
            }
            first = false;
        }
    }

    private void AddRemoval(List<LotAct> acts, LotChip chip, WorldOrganisation op, Instant at, string why)
    {
        if (at >= world.Settings.Until.Minus(Day)) return;
        acts.Add(new(at, chip, "removal", op.Actor, (id, t) => new RemoveChip(id, chip.Id, why, op.Actor, t)));
        switch (why)
        {
            case "rma":
                var rma = $"RMA-{plan.Number:D6}-{chip.Acts:D3}-{random.Int(1000, 9999)}";
                acts.Add(new(at.Plus(Duration.FromHours(2)), chip, "return", op.Actor, (id, t) => new ReturnChip(id, chip.Id, rma, plan.FabCountry, op.Actor, t)));
                _ = AddIfBeforeEnd(acts, at.Plus(Day * 10), chip, "manufacturer_receipt", manufacturer, (id, t) => new ReceiveChip(id, chip.Id, plan.FabCountry, manufacturer, t))
                    && AddIfBeforeEnd(acts, at.Plus(Day * 15), chip, "decommissioning", manufacturer, (id, t) => new DecommissionChip(id, chip.Id, "failed under RMA", manufacturer, t))
                    && AddIfBeforeEnd(acts, at.Plus(Day * 45), chip, "destruction", manufacturer, (id, t) => new DestroyChip(id, chip.Id, "shredded", manufacturer, t));
                break;
            case "end of life":
                _ = AddIfBeforeEnd(acts, at.Plus(Day * 7), chip, "decommissioning", op.Actor, (id, t) => new DecommissionChip(id, chip.Id, "end of life", op.Actor, t))
                    && AddIfBeforeEnd(acts, at.Plus(Day * 30), chip, "destruction", op.Actor, (id, t) => new DestroyChip(id, chip.Id, "certified e-waste shredding", op.Actor, t));
                break;
        }
    }

    /// <summary>Adds the act when it falls inside the timeline; callers chain these, so the rest of a tail stops with the first that does not.</summary>
    private bool AddIfBeforeEnd(List<LotAct> acts, Instant at, LotChip chip, string kind, Actor actor, Func<Guid, Instant, IChipCommand> build)
    {
        if (at >= world.Settings.Until.Minus(Day)) return false;
        acts.Add(new(at, chip, kind, actor, build));
        return true;
    }

    /// <summary>
    /// Colossus: all but the spares installed; an RMA'd chip is removed and a spare installed in its place the same
    /// morning, so the site keeps the lot's count installed to the end of the timeline.
    /// </summary>
    private async Task LiveColossusAsync(Instant received)
    {
        var facility = world.Facilities.Colossus;
        var op = Orgs[WorldOrganisations.ColossusOperator];
        var installAt = received.Plus(Day * random.Int(2, 6));
        var installed = chips.Take(plan.InstalledAtColossus).ToList();
        var spares = new Queue<LotChip>(chips.Skip(plan.InstalledAtColossus));
        var acts = new List<LotAct>();
        var clusters = new Dictionary<LotChip, string>();
        var installedFrom = new Dictionary<LotChip, Instant>();
        foreach (var chip in installed)
        {
            var at = Jitter(installAt);
            var cluster = random.ListItem(facility.Clusters.ToList());
            clusters[chip] = cluster;
            installedFrom[chip] = at;
            acts.Add(new(at, chip, "install", op.Actor, (id, t) => new InstallChip(id, chip.Id, world.Sites[facility.Id], cluster, "r01", op.Actor, t)));
        }
        var removedAt = new Dictionary<LotChip, Instant>();
        var rmas = random.Bool(0.7f) ? spares.Count : random.Int(0, spares.Count);
        var candidates = installed.ToList();
        // Failures come on a few mornings per lot: each failed chip out, then each spare in, within the hour after.
        var mornings = Enumerable.Range(0, 2).Select(_ => installAt.InUtc().Date.PlusDays(random.Int(20, 600)).AtStartOfDayInZone(DateTimeZone.Utc).ToInstant()
            .Plus(Duration.FromHours(8))).ToArray();
        for (var n = 0; n < rmas && candidates.Count > 0; n++)
        {
            var morning = random.ArrayElement(mornings).Plus(Duration.FromMinutes(n));
            if (morning >= world.Settings.Until.Minus(Day)) continue;
            var failed = candidates[random.Int(0, candidates.Count - 1)];
            candidates.Remove(failed);
            var spare = spares.Dequeue();
            removedAt[failed] = morning;
            AddRemoval(acts, failed, op, morning, "rma");
            var cluster = clusters[failed];
            var replacedAt = morning.Plus(Duration.FromMinutes(60));
            installedFrom[spare] = replacedAt;
            acts.Add(new(replacedAt, spare, "install", op.Actor, (id, t) => new InstallChip(id, spare.Id, world.Sites[facility.Id], cluster, "r01", op.Actor, t)));
        }
        foreach (var (chip, from) in installedFrom)
        {
            AddAttestations(acts, chip, op, facility, installAt, from, removedAt.TryGetValue(chip, out var r) ? r : world.Settings.Until, voidFirst: false);
        }
        await RunAgendaAsync(acts);
        if (installed.All(chip => installedFrom[chip] < world.Settings.Until)) world.Report.Anomalies.ColossusLotInstalled(installed.Count);
    }

    /// <summary>
    /// A hub's distributor buys, a forwarder next door receives, one chip goes missing there, the rest go on to a Hong
    /// Kong forwarder without a licence; an agency holds them, declares some illegitimate and releases the others.
    /// </summary>
    private async Task LiveTransshipmentAsync(Instant at)
    {
        var hub = Orgs[random.ArrayElement(new[] { "dist-sg", "dist-my", "dist-ae" })];
        var forwarder = Orgs[hub.Country switch { "SG" => "fwd-my", "MY" => "fwd-th", _ => "fwd-ae" }];
        var last = Orgs["fwd-hk"];
        if (await SellAndShipAsync(chips, manufacturer, hub, hub.Country, hub.Id, at, sale: true) is not { } atHub) return;
        if (await SellAndShipAsync(chips, hub.Actor, forwarder, forwarder.Country, hub.Id, atHub.Plus(Day * random.Int(3, 20)), sale: false, cite: false) is not { } atForwarder) return;
        var onward = chips.ToList();
        var lostAt = atForwarder.Plus(Day * 2);
        if (lostAt < world.Settings.Until.Minus(Day))
        {
            var lost = onward[random.Int(0, onward.Count - 1)];
            onward.Remove(lost);
            await StepAsync([lost], forwarder.Actor, lostAt, "missing", (c, id, t) => new ReportChipMissing(id, c.Id, MissingKind.Stolen, "pallet missing at the bonded warehouse", forwarder.Actor, t));
        }
        if (onward.Count == 0) return;
        if (await SellAndShipAsync(onward, forwarder.Actor, last, last.Country, last.Id, atForwarder.Plus(Day * random.Int(4, 14)), sale: false, cite: false) is not { } atLast) return;
        var agency = Orgs[WorldOrganisations.Agency].Actor;
        var holdAt = atLast.Plus(Day * random.Int(10, 30));
        if (!Fits(holdAt)) return;
        await StepAsync(onward, agency, holdAt, "hold", (c, id, t) => new PlaceChipHold(id, c.Id, "shipped to Hong Kong without a licence", agency, t, plan.LotId));
        var illegitimate = onward.Take(Math.Max(1, onward.Count / 5)).ToList();
        var released = onward.Skip(illegitimate.Count).ToList();
        var declaredAt = holdAt.Plus(Day * 30);
        if (!Fits(declaredAt)) return;
        await StepAsync(illegitimate, agency, declaredAt, "illegitimacy", (c, id, t) => new DeclareChipIllegitimate(id, c.Id, "diverted through forwarders against the licence terms", agency, t));
        var releasedAt = holdAt.Plus(Day * 60);
        if (released.Count == 0 || !Fits(releasedAt)) return;
        await StepAsync(released, agency, releasedAt, "release", (c, id, t) => new ReleaseChipHold(id, c.Id, "end use verified", agency, t));
    }

    private (string A, string B) Tenants(string operatorId, Instant at) => operatorId switch
    {
        "op-sg" => ("tenant-sg-ai-labs", "tenant-sg-ai-labs"),
        "op-my" when at.Plus(Duration.FromDays(370)) >= Instant.FromUtc(2025, 2, 1, 0, 0) => ("tenant-sg-ai-labs", "tenant-my-ai-labs"),
        _ => (random.ArrayElement(new[] { "tenant-us-lab", "tenant-de-research", "tenant-jp-robotics", "tenant-br-fintech" }),
            random.ArrayElement(new[] { "tenant-us-lab", "tenant-de-research", "tenant-jp-robotics", at >= Instant.FromUtc(2023, 2, 1, 0, 0) ? "tenant-in-startup" : "tenant-us-lab" })),
    };

    /// <summary>
    /// Offer and acceptance (when <paramref name="sale"/>), shipment with its licence check, and receipt by the buyer in
    /// <paramref name="destination"/> (its own country when null). Returns when the last chip was received, or null
    /// when the timeline ends first.
    /// </summary>
    private async Task<Instant?> SellAndShipAsync(
        IReadOnlyList<LotChip> lot, Actor seller, WorldOrganisation buyer, string? destination, string? endUserId, Instant at, bool sale, bool cite = true)
    {
        hop++;
        destination ??= buyer.Country;
        var endUser = endUserId ?? buyer.Id;
        if (sale)
        {
            var offerAt = at.Plus(Day * random.Int(1, 10));
            var acceptAt = offerAt.Plus(Day * random.Int(1, 3));
            if (!Fits(acceptAt)) return null;
            await StepAsync(lot, seller, offerAt, "offer", (c, id, t) => new OfferChipSale(id, c.Id, buyer.Id, seller, t));
            await StepAsync(lot, buyer.Actor, acceptAt, "acceptance", (c, id, t) => new AcceptChipSale(id, c.Id, buyer.Actor, t));
            at = acceptAt;
        }
        var shipAt = at.Plus(Day * random.Int(2, 10));
        var domestic = destination == world.Organisations[seller.OrganisationId].Country;
        var receiveAt = shipAt.Plus(Day * (domestic ? random.Int(1, 4) : random.Int(3, 20)));
        if (!Fits(receiveAt)) return null;
        var (licence, notification) = cite ? await AuthoriseAsync(seller, buyer.Id, endUser, destination, shipAt, lot.Count) : (null, null);
        var number = licence?.Number ?? notification?.Number;
        var alreadyShipped = number is null ? 0 : await world.Commands.CountShippedUnderLicenceAsync(number, Cancel);
        await StepAsync(lot, seller, shipAt, "shipment", (c, id, t) =>
        {
            var date = t.InUtc().Date;
            var spec = world.Models[plan.Model.ModelId].EffectiveSpecAt(t)!;
            var context = new ShipmentContext(spec, world.Directory.Jurisdiction(buyer.Id, date)!, world.Directory.Jurisdiction(endUser, date)!,
                licence, notification, alreadyShipped, lot.Count);
            return new ShipChip(id, c.Id, destination, buyer.Id, endUser, buyer.Id, buyer.Id, buyer.Id, number, context, seller, t);
        });
        await StepAsync(lot, buyer.Actor, receiveAt, "receipt", (c, id, t) => new ReceiveChip(id, c.Id, destination, buyer.Actor, t));
        return lot.Max(c => c.Last);
    }

    /// <summary>
    /// What the exporter cites: nothing when no licence is needed; a NAC notification for a NAC-eligible item; otherwise,
    /// for most lots, a licence the agency grants for exactly this shipment (the rest ship without one, and the recorded
    /// check says so).
    /// </summary>
    private async Task<(Licence?, ExportNotification?)> AuthoriseAsync(Actor exporter, string consigneeId, string endUserId, string destination, Instant at, int quantity)
    {
        var date = at.InUtc().Date;
        var spec = world.Models[plan.Model.ModelId].EffectiveSpecAt(at)!;
        var consignee = LicenceRequirement.Evaluate(spec, destination, consigneeId, world.Directory, date);
        var endUser = LicenceRequirement.Evaluate(spec, destination, endUserId, world.Directory, date);
        var answer = consignee.Verdict != LicenceVerdict.NotRequired ? consignee : endUser;
        if (answer.Verdict == LicenceVerdict.NotRequired) return (null, null);
        var reference = $"{world.Settings.Tag}-{plan.Number:D6}-{hop}";
        if (answer.Exception == LicenceExceptionPath.NacEligible)
        {
            var id = $"{reference}-nac";
            var number = $"A{(plan.Number * 10 + hop) % 1_000_000:D6}";
            world.Report.Record(await world.Commands.SendAsync(new FileExportNotification(
                id, NotificationKind.Nac, number, consigneeId, endUserId, destination, spec, exporter, at.Minus(Day * 3)), Cancel), $"notification {id}");
            return (null, await world.Commands.LoadNotificationAsync(id, Cancel));
        }
        if (!random.Bool(0.85f)) return (null, null);
        var licenceId = $"{reference}-lic";
        var agency = Orgs[WorldOrganisations.Agency].Actor;
        world.Report.Record(await world.Commands.SendAsync(new GrantLicence(
            licenceId, $"D{plan.Number:D6}{hop}", exporter.OrganisationId, consigneeId, endUserId, destination, [plan.Model.ModelId], quantity,
            date.PlusDays(-20), date.PlusDays(365), agency, at.Minus(Day * 10)), Cancel), $"licence {licenceId}");
        return (await world.Commands.LoadLicenceAsync(licenceId, Cancel), null);
    }

    /// <summary>One act for every chip given, by one actor, in one multi-stream append; each chip's act dated after its last.</summary>
    private async Task StepAsync(IReadOnlyList<LotChip> lot, Actor actor, Instant at, string kind, Func<LotChip, Guid, Instant, IChipCommand> build)
    {
        var batch = new List<IChipCommand>(lot.Count);
        foreach (var chip in lot)
        {
            var t = After(chip, Jitter(at));
            batch.Add(build(chip, NextId(chip, kind), t));
            chip.Last = t;
        }
        await SendBatchAsync(batch, $"{kind} of lot {plan.LotId}");
    }

    /// <summary>The tail's acts in business-time order; consecutive acts of one kind and actor (each chip once) go in one batch; a void alone.</summary>
    private async Task RunAgendaAsync(List<LotAct> acts)
    {
        var ordered = acts.Select((a, n) => (a, n)).OrderBy(x => x.a.At).ThenBy(x => x.n).Select(x => x.a).ToList();
        var batch = new List<IChipCommand>();
        var inBatch = new HashSet<LotChip>();
        (string Kind, Actor Actor)? current = null;
        async Task FlushAsync()
        {
            if (batch.Count == 0) return;
            await SendBatchAsync([.. batch], $"{current!.Value.Kind} of lot {plan.LotId}");
            batch.Clear();
            inBatch.Clear();
        }
        foreach (var act in ordered)
        {
            if (act.At >= world.Settings.Until) continue;
            if (current != (act.Kind, act.Actor) || inBatch.Contains(act.Chip) || act.Kind == "void")
            {
                await FlushAsync();
                current = (act.Kind, act.Actor);
            }
            var t = After(act.Chip, act.At);
            var command = act.Build(NextId(act.Chip, act.Kind), t);
            act.Chip.Last = t;
            if (act.Kind == "void")
            {
                world.Report.Record(await world.Commands.SendAsync(command, Cancel), $"void on {act.Chip.Id}");
                continue;
            }
            batch.Add(command);
            inBatch.Add(act.Chip);
        }
        await FlushAsync();
    }

    private bool Fits(Instant at) => at < world.Settings.Until.Minus(Day);

    private Instant? LeaseEnd(Instant start) => start.Plus(Day * 365) is var end && end < world.Settings.Until ? end : null;

    private static Instant After(LotChip chip, Instant at) => at > chip.Last ? at : chip.Last.Plus(Duration.FromMinutes(1));

    private Instant Jitter(Instant at) => at.Plus(Duration.FromMinutes(random.Int(0, 180)));

    private Guid NextId(LotChip chip, string kind) => Id($"{chip.Id}/{chip.Acts++}/{kind}");

    private Guid Id(string label) => DeterministicIds.Derive(world.Settings.Root, label);
}
