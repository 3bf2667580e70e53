using ChipRegistry.Domain.Common;
using ChipRegistry.Domain.Licences;
using ChipRegistry.Domain.Organisations;
using ChipRegistry.Domain.Policy;
using static ChipRegistry.Domain.Chips.ChipErrors;

namespace ChipRegistry.Domain.Chips;

/// <summary>
/// The chip lifecycle: <c>Decide(command, state) -> events | DomainError</c>. Pure: the clock, the new event id,
/// the acting organisation and every outside fact (facility, model spec, licence) arrive with the command.
/// </summary>
public static class ChipDecisions
{
    private sealed record ReportFacts(string? FacilityId, string? Country, string? CounterpartyId, string Details);

    private static DomainError Error(string code, string message) => new(code, message);

    public static Decision<IChipEvent> Decide(IChipCommand command, ChipState state)
    {
        if (command.ChipId != state.ChipId) throw new ArgumentException($"command for {command.ChipId} decided against {state.ChipId}", nameof(command));
        return command switch
        {
            RegisterChip c => Register(c, state),
            OfferChipSale c => Offer(c, state),
            AcceptChipSale c => Accept(c, state),
            ShipChip c => Ship(c, state),
            ReceiveChip c => Receive(c, state),
            InstallChip c => Install(c, state),
            AssignChipTenant c => AssignTenant(c, state),
            AttestChipLocation c => Attest(c, state),
            RemoveChip c => Remove(c, state),
            ReturnChip c => Return(c, state),
            DecommissionChip c => Decommission(c, state),
            DestroyChip c => Destroy(c, state),
            ReportChipMissing c => ReportMissing(c, state),
            PackChip c => Pack(c, state),
            UnpackChip c => Unpack(c, state),
            ReportChipObservation c => Observation(c, state),
            PlaceChipHold c => PlaceHold(c, state),
            ReleaseChipHold c => ReleaseHold(c, state),
            DeclareChipIllegitimate c => DeclareIllegitimate(c, state),
            VoidChipEvent c => Void(c, state),
            _ => throw new ArgumentOutOfRangeException(nameof(command), command.GetType().Name, "no decision for this command"),
        };
    }

    private static string Who(IChipCommand c) => c.Actor.OrganisationId;

    private static Decision<IChipEvent> Accepted(params IChipEvent[] events) => Decision<IChipEvent>.Accept(events);

    // ---- registration and sale (requests: rejected when unauthorised) ----

    private static Decision<IChipEvent> Register(RegisterChip c, ChipState s)
    {
        if (c.Actor.Kind != OrganisationKind.Manufacturer) return Error(NotManufacturer, "only a manufacturer registers the chips it made");
        if (s.Stage != ChipStage.Unregistered) return Error(ChipAlreadyRegistered, $"chip {s.ChipId} is already registered");
        if (string.IsNullOrWhiteSpace(c.ModelId) || string.IsNullOrWhiteSpace(c.LotId)) return Error(InvalidChip, "a chip has a model and a lot");
        if (!Countries.IsAlpha2(c.Country)) return Error(InvalidCountry, $"'{c.Country}' is not an ISO 3166-1 alpha-2 code");
        return Accepted(new ChipFabricated(c.EventId, s.ChipId, c.ModelId, Who(c), c.LotId, c.Country, Who(c), c.At));
    }

    private static Decision<IChipEvent> Offer(OfferChipSale c, ChipState s)
    {
        if (s.Stage == ChipStage.Unregistered) return Error(ChipNotRegistered, $"chip {s.ChipId} is not registered");
        if (Who(c) != s.OwnerId) return Error(NotOwner, "only the owner offers a chip for sale");
        if (Terminal(s) is { } terminal) return terminal;
        if (s.Stage == ChipStage.Decommissioned) return Error(ChipErrors.ChipDecommissioned, "a decommissioned chip is not sold");
        if (Frozen(s) is { } frozen) return frozen;
        if (s.Offer is not null) return Error(SaleAlreadyOffered, $"an offer to {s.Offer.BuyerId} is open");
        if (string.IsNullOrWhiteSpace(c.BuyerId) || c.BuyerId == s.OwnerId) return Error(InvalidBuyer, "the buyer is another organisation");
        return Accepted(new ChipSaleOffered(c.EventId, s.ChipId, Who(c), c.BuyerId, Who(c), c.At));
    }

    private static Decision<IChipEvent> Accept(AcceptChipSale c, ChipState s)
    {
        if (s.Stage == ChipStage.Unregistered) return Error(ChipNotRegistered, $"chip {s.ChipId} is not registered");
        if (s.Offer is null) return Error(NoOpenOffer, "no sale of this chip is offered");
        if (Who(c) != s.Offer.BuyerId) return Error(NotNamedBuyer, "only the buyer named in the offer accepts it");
        if (Terminal(s) is { } terminal) return terminal;
        if (s.Stage == ChipStage.Decommissioned) return Error(ChipErrors.ChipDecommissioned, "a decommissioned chip is not sold");
        if (Frozen(s) is { } frozen) return frozen;
        return Accepted(new ChipSaleAccepted(c.EventId, s.ChipId, s.Offer.EventId, s.Offer.SellerId, Who(c), Who(c), c.At));
    }

    private static DomainError? Terminal(ChipState s) => s.Stage switch
    {
        ChipStage.Destroyed => Error(ChipErrors.ChipDestroyed, "the chip was destroyed"),
        ChipStage.Missing => Error(ChipMissing, $"the chip is reported {s.Missing?.ToString().ToLowerInvariant()}"),
        _ => null,
    };

    private static DomainError? Frozen(ChipState s, bool allowedWhenIllegitimate = false, bool allowedWhenHeld = false)
    {
        if (s.Illegitimacy is not null && !allowedWhenIllegitimate) return Error(ChipIllegitimate, $"declared illegitimate: {s.Illegitimacy.Reason}");
        if (s.Hold is not null && !allowedWhenHeld) return Error(ChipOnHold, $"on hold by {s.Hold.AgencyId}: {s.Hold.Reason}");
        return null;
    }

    // ---- reports (from the rightful party: checked; from anyone else: observations) ----

    private static Decision<IChipEvent> Report(
        IChipReport c, ChipState s, bool rightful, string kind, ReportFacts facts, Func<Decision<IChipEvent>> proceed,
        bool allowedWhenHeld = false, bool allowedWhenIllegitimate = false)
    {
        if (s.Stage == ChipStage.Unregistered) return Observe(c, s, kind, ConflictCodes.UnregisteredChip, facts);
        if (!rightful) return Observe(c, s, kind, ConflictCodes.NotCustodian, facts);
        if (s.Stage == ChipStage.Destroyed) return Observe(c, s, kind, ConflictCodes.ChipDestroyed, facts);
        if (s.Stage == ChipStage.Missing) return Observe(c, s, kind, ConflictCodes.ChipMissing, facts);
        if (Frozen(s, allowedWhenIllegitimate, allowedWhenHeld) is { } frozen) return frozen;
        return proceed();
    }

    private static Decision<IChipEvent> Observe(IChipCommand c, ChipState s, string kind, string conflict, ReportFacts facts) =>
        Accepted(new ChipObserved(c.EventId, s.ChipId, kind, conflict != ConflictCodes.None, conflict, facts.FacilityId, facts.Country,
            facts.CounterpartyId, facts.Details, Who(c), c.At));

    private static DomainError? NotInStock(ChipState s, string alreadyCode = ChipErrors.ChipDecommissioned) => s.Stage switch
    {
        ChipStage.InTransit => Error(ChipInTransit, "the chip is in transit"),
        ChipStage.Installed => Error(ChipErrors.ChipInstalled, "the chip is installed; remove it first"),
        ChipStage.Decommissioned => Error(alreadyCode, "the chip is decommissioned"),
        _ => null,
    };

    private static DomainError? AssemblyMismatch(ChipState s, string? via) =>
        via == s.AssemblyId ? null
        : s.IsPacked ? Error(ChipInAssembly, $"the chip is packed in assembly {s.AssemblyId}; act on the assembly or unpack it")
        : Error(ChipNotInAssembly, $"the chip is not packed in assembly {via}");

    private static Decision<IChipEvent> Ship(ShipChip c, ChipState s) => Report(c, s, Who(c) == s.CustodianId, "shipment",
        new ReportFacts(null, c.DestinationCountry, c.ConsigneeId, $"shipped to {c.ConsigneeId} in {c.DestinationCountry}"), () =>
        {
            if (NotInStock(s) is { } stage) return stage;
            if (AssemblyMismatch(s, c.ViaAssembly) is { } packed) return packed;
            if (!Countries.IsAlpha2(c.DestinationCountry)) return Error(InvalidCountry, $"'{c.DestinationCountry}' is not an ISO 3166-1 alpha-2 code");
            if (c.Context.Model.ModelId != s.ModelId) return Error(ModelSpecMismatch, $"the spec given is for {c.Context.Model.ModelId}, the chip is a {s.ModelId}");

            var date = c.At.InUtc().Date;
            var requirement = Stricter(
                LicenceRequirement.Evaluate(new LicenceQuestion(c.Context.Model, c.DestinationCountry, c.Context.Consignee, date)),
                LicenceRequirement.Evaluate(new LicenceQuestion(c.Context.Model, c.DestinationCountry, c.Context.EndUser, date)));
            var check = LicenceCheck.Check(new LicenceCheckInput(requirement, s.ModelId!, c.ConsigneeId, c.Context.ShipmentQuantity, date,
                c.Context.Licence, c.Context.AlreadyShippedUnderLicence, c.Context.Notification));
            return Accepted(new ChipShipped(c.EventId, s.ChipId, c.DestinationCountry, c.ConsigneeId, c.EndUserId, c.BillToId, c.ShipToId, c.PayerId,
                c.AuthorisationNumber, check.Result, requirement.ReasonCode, check.Detail, c.ViaAssembly, Who(c), c.At));
        });

    /// <summary>The consignee's and the end user's answers: a requirement beats an undetermined answer beats none.</summary>
    private static LicenceAnswer Stricter(LicenceAnswer consignee, LicenceAnswer endUser) =>
        consignee.Required ? consignee
        : endUser.Required ? endUser
        : consignee.Verdict == LicenceVerdict.Undetermined ? consignee
        : endUser;

    private static Decision<IChipEvent> Receive(ReceiveChip c, ChipState s) => Report(c, s, Who(c) == (s.Shipment?.ConsigneeId ?? s.CustodianId), "receipt",
        new ReportFacts(null, c.Country, s.Shipment?.ConsigneeId, $"received by {Who(c)} in {c.Country}"), () =>
        {
            if (s.Stage != ChipStage.InTransit || s.Shipment is null) return Error(ChipNotInTransit, "the chip is not in transit");
            if (AssemblyMismatch(s, c.ViaAssembly) is { } packed) return packed;
            if (!Countries.IsAlpha2(c.Country)) return Error(InvalidCountry, $"'{c.Country}' is not an ISO 3166-1 alpha-2 code");
            return Accepted(new ChipReceived(c.EventId, s.ChipId, s.Shipment.EventId, c.Country, c.ViaAssembly, Who(c), c.At));
        });

    private static Decision<IChipEvent> Install(InstallChip c, ChipState s) => Report(c, s, Who(c) == s.CustodianId, "installation",
        new ReportFacts(c.Facility.Id, c.Facility.Country, c.Facility.OperatorId, $"installed at {c.Facility.Id} cluster {c.ClusterId} rack {c.Rack}"), () =>
        {
            if (s.Stage == ChipStage.Installed) return Error(ChipAlreadyInstalled, $"the chip is installed at {s.Installation?.FacilityId}");
            if (NotInStock(s) is { } stage) return stage;
            if (AssemblyMismatch(s, c.ViaAssembly) is { } packed) return packed;
            if (c.Facility.OperatorId != Who(c)) return Error(NotFacilityOperator, $"{c.Facility.Id} is operated by {c.Facility.OperatorId}");
            if (!c.Facility.HasCluster(c.ClusterId)) return Error(ClusterNotFound, $"{c.Facility.Id} has no cluster {c.ClusterId}");
            return Accepted(new ChipInstalled(c.EventId, s.ChipId, c.Facility.Id, c.Facility.OperatorId, c.Facility.Country, c.ClusterId, c.Rack, c.ViaAssembly, Who(c), c.At));
        });

    private static Decision<IChipEvent> AssignTenant(AssignChipTenant c, ChipState s) => Report(c, s, Who(c) == s.CustodianId, "tenant_assignment",
        new ReportFacts(null, null, c.TenantId, $"assigned to tenant {c.TenantId} from {c.From}"), () =>
        {
            if (s.Stage != ChipStage.Installed) return Error(ChipNotInstalled, "only an installed chip is assigned to a tenant");
            if (c.To is { } to && to <= c.From) return Error(InvalidTenancy, "a tenancy ends after it starts");
            return Accepted(new ChipTenantAssigned(c.EventId, s.ChipId, c.TenantId, c.From, c.To, Who(c), c.At));
        });

    private static Decision<IChipEvent> Attest(AttestChipLocation c, ChipState s)
    {
        var facts = new ReportFacts(c.FacilityId, null, null, $"attested at {c.FacilityId} by {c.Method}, signature {c.Signature}");
        return Report(c, s, Who(c) == s.CustodianId, "location_attestation", facts, () =>
        {
            if (s.Stage != ChipStage.Installed) return Error(ChipNotInstalled, "only an installed chip's location is attested");
            if (s.Installation!.FacilityId != c.FacilityId) return Observe(c, s, "location_attestation", ConflictCodes.OtherFacility, facts);
            return Accepted(new ChipLocationAttested(c.EventId, s.ChipId, c.FacilityId, c.Method, c.RoundTripMs, c.LandmarkId, c.Signature, Who(c), c.At));
        }, allowedWhenHeld: true, allowedWhenIllegitimate: true);
    }

    private static Decision<IChipEvent> Remove(RemoveChip c, ChipState s) => Report(c, s, Who(c) == s.CustodianId, "removal",
        new ReportFacts(s.Installation?.FacilityId, null, null, $"removed: {c.Reason}"), () =>
        {
            if (s.Stage != ChipStage.Installed) return Error(ChipNotInstalled, "the chip is not installed");
            if (s.IsPacked) return Error(ChipInAssembly, $"the chip is packed in assembly {s.AssemblyId}");
            return Accepted(new ChipRemoved(c.EventId, s.ChipId, s.Installation!.FacilityId, c.Reason, Who(c), c.At));
        });

    private static Decision<IChipEvent> Return(ReturnChip c, ChipState s) => Report(c, s, Who(c) == s.CustodianId, "return",
        new ReportFacts(null, c.DestinationCountry, s.ManufacturerId, $"returned under RMA {c.RmaNumber}"), () =>
        {
            if (NotInStock(s) is { } stage) return stage;
            if (s.IsPacked) return Error(ChipInAssembly, $"the chip is packed in assembly {s.AssemblyId}");
            if (!Countries.IsAlpha2(c.DestinationCountry)) return Error(InvalidCountry, $"'{c.DestinationCountry}' is not an ISO 3166-1 alpha-2 code");
            return Accepted(new ChipReturned(c.EventId, s.ChipId, c.RmaNumber, s.ManufacturerId!, c.DestinationCountry, Who(c), c.At));
        });

    private static Decision<IChipEvent> Decommission(DecommissionChip c, ChipState s) => Report(c, s, Who(c) == s.CustodianId, "decommissioning",
        new ReportFacts(null, null, null, $"decommissioned: {c.Reason}"), () =>
        {
            if (NotInStock(s, ChipAlreadyDecommissioned) is { } stage) return stage;
            if (s.IsPacked) return Error(ChipInAssembly, $"the chip is packed in assembly {s.AssemblyId}");
            return Accepted(new ChipDecommissioned(c.EventId, s.ChipId, c.Reason, Who(c), c.At));
        });

    private static Decision<IChipEvent> Destroy(DestroyChip c, ChipState s) => Report(c, s, Who(c) == s.CustodianId, "destruction",
        new ReportFacts(null, null, null, $"destroyed by {c.Method}"), () =>
        {
            if (s.Stage is ChipStage.InTransit or ChipStage.Installed && NotInStock(s) is { } stage) return stage;
            if (s.IsPacked) return Error(ChipInAssembly, $"the chip is packed in assembly {s.AssemblyId}");
            return Accepted(new ChipDestroyed(c.EventId, s.ChipId, c.Method, Who(c), c.At));
        }, allowedWhenIllegitimate: true);

    private static Decision<IChipEvent> ReportMissing(ReportChipMissing c, ChipState s) => Report(c, s, Who(c) == s.CustodianId || Who(c) == s.OwnerId, "missing_report",
        new ReportFacts(null, null, null, $"reported {c.Kind.ToString().ToLowerInvariant()}: {c.Circumstances}"),
        () => Accepted(new ChipMissingReported(c.EventId, s.ChipId, c.Kind, c.Circumstances, Who(c), c.At)),
        allowedWhenHeld: true, allowedWhenIllegitimate: true);

    private static Decision<IChipEvent> Pack(PackChip c, ChipState s) => Report(c, s, Who(c) == s.CustodianId, "packing",
        new ReportFacts(null, null, null, $"packed into {c.AssemblyId}"), () =>
        {
            if (NotInStock(s) is { } stage) return stage;
            if (s.IsPacked) return Error(ChipInAssembly, $"the chip is already packed in assembly {s.AssemblyId}");
            return Accepted(new ChipPacked(c.EventId, s.ChipId, c.AssemblyId, Who(c), c.At));
        });

    private static Decision<IChipEvent> Unpack(UnpackChip c, ChipState s) => Report(c, s, Who(c) == s.CustodianId, "unpacking",
        new ReportFacts(null, null, null, $"unpacked from {c.AssemblyId}"), () =>
        {
            if (s.AssemblyId != c.AssemblyId) return Error(ChipNotInAssembly, $"the chip is not packed in assembly {c.AssemblyId}");
            if (s.Stage == ChipStage.InTransit) return Error(ChipInTransit, "the chip is in transit");
            if (s.Stage == ChipStage.Installed) return Error(ChipErrors.ChipInstalled, "the assembly is installed; remove it first");
            return Accepted(new ChipUnpacked(c.EventId, s.ChipId, c.AssemblyId, Who(c), c.At));
        });

    private static Decision<IChipEvent> Observation(ReportChipObservation c, ChipState s)
    {
        var conflict =
            s.Stage == ChipStage.Unregistered ? ConflictCodes.UnregisteredChip
            : Who(c) != s.CustodianId ? ConflictCodes.NotCustodian
            : s.Stage == ChipStage.Destroyed ? ConflictCodes.ChipDestroyed
            : s.Stage == ChipStage.Missing ? ConflictCodes.ChipMissing
            : c.FacilityId is not null && c.FacilityId != s.Installation?.FacilityId ? ConflictCodes.OtherFacility
            : c.Country is not null && c.Country != s.LocationCountry ? ConflictCodes.OtherCountry
            : ConflictCodes.None;
        return Observe(c, s, c.Kind, conflict, new ReportFacts(c.FacilityId, c.Country, null, c.Details));
    }

    // ---- agency ----

    private static DomainError? AgencyGuard(IChipCommand c, ChipState s, string reason)
    {
        if (!c.Actor.IsAgency) return Error(NotAgency, "only an agency holds, releases or declares chips");
        if (s.Stage == ChipStage.Unregistered) return Error(ChipNotRegistered, $"chip {s.ChipId} is not registered");
        if (string.IsNullOrWhiteSpace(reason)) return Error(ReasonRequired, "state the reason");
        return null;
    }

    private static Decision<IChipEvent> PlaceHold(PlaceChipHold c, ChipState s)
    {
        if (AgencyGuard(c, s, c.Reason) is { } error) return error;
        if (s.Stage == ChipStage.Destroyed) return Error(ChipErrors.ChipDestroyed, "the chip was destroyed");
        if (s.Hold is not null) return Error(ChipAlreadyOnHold, $"already on hold by {s.Hold.AgencyId}");
        return Accepted(new ChipHoldPlaced(c.EventId, s.ChipId, c.Reason, c.LotId, Who(c), c.At));
    }

    private static Decision<IChipEvent> ReleaseHold(ReleaseChipHold c, ChipState s)
    {
        if (AgencyGuard(c, s, c.Reason) is { } error) return error;
        if (s.Hold is null) return Error(ChipNotOnHold, "the chip is not on hold");
        return Accepted(new ChipHoldReleased(c.EventId, s.ChipId, s.Hold.EventId, c.Reason, Who(c), c.At));
    }

    private static Decision<IChipEvent> DeclareIllegitimate(DeclareChipIllegitimate c, ChipState s)
    {
        if (AgencyGuard(c, s, c.Reason) is { } error) return error;
        if (s.Stage == ChipStage.Destroyed) return Error(ChipErrors.ChipDestroyed, "the chip was destroyed");
        if (s.Illegitimacy is not null) return Error(ChipAlreadyIllegitimate, "already declared illegitimate");
        return Accepted(new ChipIllegitimacyDeclared(c.EventId, s.ChipId, c.Reason, Who(c), c.At));
    }

    // ---- corrections ----

    /// <summary>
    /// Only the event's recorder or an agency voids it, with a reason. Every event depending on it is voided first,
    /// newest first; a recorder (not an agency) may not cascade into events recorded by others.
    /// </summary>
    private static Decision<IChipEvent> Void(VoidChipEvent c, ChipState s)
    {
        if (string.IsNullOrWhiteSpace(c.Reason)) return Error(ReasonRequired, "a void states its reason");
        if (s.Find(c.TargetEventId) is not { } target) return Error(EventNotFound, $"no event {c.TargetEventId} on chip {s.ChipId}");
        if (target is ChipEventVoided) return Error(EventNotVoidable, "a void is not itself voided");
        if (s.Voided.Contains(target.EventId)) return Error(EventAlreadyVoided, "the event is already voided");

        var dependents = s.DependentsOf(target.EventId).Select(id => s.Find(id)!).ToList();
        if (!c.Actor.IsAgency)
        {
            if (target.RecordedBy != Who(c)) return Error(VoidNotPermitted, "only the event's recorder or an agency voids it");
            if (dependents.FirstOrDefault(d => d.RecordedBy != Who(c)) is { } other)
            {
                return Error(VoidDependentsByOthers, $"{other.GetType().Name} {other.EventId} by {other.RecordedBy} depends on it: an agency must void it");
            }
        }
        var order = dependents.Append(target).ToList();
        return Decision<IChipEvent>.Accept(order.Select((e, i) => (IChipEvent)new ChipEventVoided(
            i == 0 ? c.EventId : DeterministicIds.Derive(c.EventId, $"void/{i}"), s.ChipId, e.EventId, target.EventId, c.Reason, Who(c), c.At)));
    }
}
