using ChipRegistry.Domain.Common;
using ChipRegistry.Domain.Gs1;
using NodaTime;

namespace ChipRegistry.Api.Epcis;

/// <summary>The registry act an EPCIS event maps onto (docs/epcis-mapping.md, "Events and business steps").</summary>
public enum EpcisAct
{
    Commission,
    Ship,
    Receive,
    Install,
    Remove,
    Decommission,
    Destroy,
    Pack,
    Unpack,
    Void,
}

/// <summary>Why one element of a document does not map, and where it is (a JSON pointer).</summary>
public sealed record EpcisElementError(string Position, string Code, string Detail);

/// <summary>
/// An event that maps, with what its act needs: <see cref="Key"/> is its idempotency key (the eventID, or its CBV 2.0
/// hash id), <see cref="Chips"/> the SGTINs it applies to with their positions.
/// </summary>
public sealed record EpcisStep(
    EpcisEvent Event, EpcisAct Act, Instant At, string Key, IReadOnlyList<(string Position, Sgtin Sgtin)> Chips,
    string? Country = null, string? LotId = null, string? ConsigneeId = null, string? EndUserId = null, string? LicenceId = null,
    string? NotificationId = null, string? FacilityId = null, string? ClusterId = null, string? Rack = null, string? AssemblyId = null, string? Reason = null);

/// <summary>
/// The checks of one event that need nothing but the event: its type, quantities, identifiers, business step and
/// disposition, time, parties and places. Identity checks (GTIN, serial) and the domain's rules come after, in the import.
/// </summary>
public static class EpcisMapping
{
    private sealed record StepRule(EpcisAct Act, string[] Types, string Action, string[] Dispositions);

    private static readonly Dictionary<string, StepRule[]> Rules = new(StringComparer.Ordinal)
    {
        ["commissioning"] = [new(EpcisAct.Commission, ["ObjectEvent"], "ADD", ["active"])],
        ["shipping"] = [new(EpcisAct.Ship, ["ObjectEvent"], "OBSERVE", ["in_transit"]), new(EpcisAct.Ship, ["TransactionEvent"], "ADD", ["in_transit"])],
        ["receiving"] = [new(EpcisAct.Receive, ["ObjectEvent"], "OBSERVE", ["in_progress", "active"])],
        ["installing"] = [new(EpcisAct.Install, ["ObjectEvent"], "OBSERVE", ["active"])],
        ["removing"] = [new(EpcisAct.Remove, ["ObjectEvent"], "OBSERVE", ["inactive"])],
        ["decommissioning"] = [new(EpcisAct.Decommission, ["ObjectEvent"], "OBSERVE", ["inactive"])],
        ["destroying"] = [new(EpcisAct.Destroy, ["ObjectEvent"], "OBSERVE", ["destroyed"])],
        ["packing"] = [new(EpcisAct.Pack, ["AggregationEvent"], "ADD", ["in_progress"])],
        ["unpacking"] = [new(EpcisAct.Unpack, ["AggregationEvent"], "DELETE", ["in_progress"])],
    };

    private static readonly string[] EventTypes = ["ObjectEvent", "AggregationEvent", "TransactionEvent"];

    /// <summary>The CBV short names an act exports with: business step and disposition.</summary>
    public static (string BizStep, string Disposition) CbvOf(EpcisAct act) => act switch
    {
        EpcisAct.Commission => ("commissioning", "active"),
        EpcisAct.Ship => ("shipping", "in_transit"),
        EpcisAct.Receive => ("receiving", "in_progress"),
        EpcisAct.Install => ("installing", "active"),
        EpcisAct.Remove => ("removing", "inactive"),
        EpcisAct.Decommission => ("decommissioning", "inactive"),
        EpcisAct.Destroy => ("destroying", "destroyed"),
        EpcisAct.Pack => ("packing", "in_progress"),
        EpcisAct.Unpack => ("unpacking", "in_progress"),
        _ => throw new ArgumentOutOfRangeException(nameof(act)),
    };

    /// <summary>The step, or every reason the event does not map (all of them, so a sender fixes a document in one pass).</summary>
    public static (EpcisStep? Step, IReadOnlyList<(string Position, Sgtin Sgtin)> Chips, IReadOnlyList<EpcisElementError> Errors) Map(EpcisEvent e, string key, Interval window)
    {
        ArgumentNullException.ThrowIfNull(e);
        var errors = new List<EpcisElementError>();
        void Fail(string field, string code, string detail) => errors.Add(new EpcisElementError(field.Length == 0 ? e.Position : $"{e.Position}/{field}", code, detail));

        if (!EventTypes.Contains(e.Type))
        {
            Fail("type", EpcisErrors.EventTypeUnsupported, $"a {(e.Type.Length == 0 ? "typeless event" : e.Type)} does not map onto a chip act (ObjectEvent, AggregationEvent and TransactionEvent do)");
            return (null, [], errors);
        }
        var at = e.At;
        if (at is null) Fail(e.ErrorDeclaration is null ? "eventTime" : "errorDeclaration/declarationTime", EpcisErrors.InvalidEvent, "an RFC 3339 time with Z or an offset is required");
        else if (!window.Contains(at.Value))
        {
            Fail("eventTime", "business_time_out_of_range", $"the registry's business times lie between {window.Start} and {window.End}");
        }
        if (e.HasQuantities) Fail("quantityList", EpcisErrors.QuantityUnsupported, "class-level quantities name no individual chip; the registry tracks serialised chips only");
        var chips = new List<(string, Sgtin)>();
        for (var i = 0; i < e.Epcs.Count; i++)
        {
            if (EpcisIdentifiers.ParseSgtin(e.Epcs[i]) is { } sgtin) chips.Add(($"{e.Position}/{e.EpcField}/{i}", sgtin));
            else Fail($"{e.EpcField}/{i}", EpcisErrors.IdentifierUnsupported, $"'{e.Epcs[i]}' is not an SGTIN (urn:epc:id:sgtin:... or a GS1 Digital Link with a serial)");
        }
        if (e.Epcs.Count == 0) Fail(e.EpcField, EpcisErrors.InvalidEvent, "an event names at least one chip in epcList or childEPCs");

        if (e.ErrorDeclaration is { } declaration)
        {
            return errors.Count > 0 || at is null ? (null, chips, errors) : (new EpcisStep(e, EpcisAct.Void, at.Value, key, chips, Reason: declaration.Reason), chips, errors);
        }

        if (e.ParentId is not null && EpcisIdentifiers.Registry(e.ParentId, EpcisIdentifiers.AssemblyUrn) is null)
        {
            Fail("parentID", EpcisErrors.IdentifierUnsupported, $"'{e.ParentId}' is not a registry assembly (urn:chipregistry:assembly:ID)");
        }
        var rule = e.BizStep is { } step && Rules.TryGetValue(step, out var rules) ? rules.FirstOrDefault(r => r.Types.Contains(e.Type) && r.Action == e.Action) : null;
        if (rule is null)
        {
            Fail("bizStep", EpcisErrors.BizStepUnmapped, $"business step '{e.BizStep}' of a {e.Type} {e.Action} maps onto no chip act (docs/epcis-mapping.md)");
            return (null, chips, errors);
        }
        if (e.Disposition is { } disposition && !rule.Dispositions.Contains(disposition))
        {
            Fail("disposition", EpcisErrors.DispositionUnmapped, $"disposition '{disposition}' does not go with {e.BizStep} (expected {string.Join(" or ", rule.Dispositions)})");
        }
        var mapped = new EpcisStep(e, rule.Act, at ?? default, key, chips);
        switch (rule.Act)
        {
            case EpcisAct.Commission:
                mapped = mapped with { Country = Country(e.BizLocation, "bizLocation", Fail), LotId = e.LotNumber };
                if (e.LotNumber is null) Fail("ilmd", EpcisErrors.LotMissing, "commissioning names the chip's lot in ilmd cbvmda:lotNumber");
                break;
            case EpcisAct.Ship:
                var consignee = Party(e.Destinations, "possessing_party", Fail);
                var endUser = e.Destinations.Any(d => d.Type == "owning_party") ? Party(e.Destinations, "owning_party", Fail) : consignee;
                var destination = e.Destinations.FirstOrDefault(d => d.Type == "location");
                var country = destination is null ? null : Country(destination.Value, $"destinationList/{e.Destinations.ToList().IndexOf(destination)}", Fail);
                if (destination is null) Fail("destinationList", EpcisErrors.LocationUnmapped, "a shipment names its destination country (a location urn:chipregistry:country:CC)");
                var licence = e.BizTransactions.Select(t => EpcisIdentifiers.Registry(t.Value, EpcisIdentifiers.LicenceUrn)).FirstOrDefault(v => v is not null);
                var notification = e.BizTransactions.Select(t => EpcisIdentifiers.Registry(t.Value, EpcisIdentifiers.NotificationUrn)).FirstOrDefault(v => v is not null);
                mapped = mapped with { ConsigneeId = consignee, EndUserId = endUser, Country = country, LicenceId = licence, NotificationId = notification };
                break;
            case EpcisAct.Receive:
                mapped = mapped with { Country = Country(e.BizLocation, "bizLocation", Fail) };
                break;
            case EpcisAct.Install:
                var facility = EpcisIdentifiers.Registry(e.BizLocation, EpcisIdentifiers.FacilityUrn);
                if (facility is null) Fail("bizLocation", EpcisErrors.LocationUnmapped, "an installation's bizLocation is a facility (urn:chipregistry:facility:ID)");
                var rack = EpcisIdentifiers.Rack(e.ReadPoint);
                if (rack is null || (facility is not null && rack.Value.FacilityId != facility))
                {
                    Fail("readPoint", EpcisErrors.LocationUnmapped, "an installation's readPoint is a rack of its facility (urn:chipregistry:rack:FACILITY:CLUSTER:RACK)");
                }
                mapped = mapped with { FacilityId = facility, ClusterId = rack?.ClusterId, Rack = rack?.Rack };
                break;
            case EpcisAct.Pack:
            case EpcisAct.Unpack:
                var assembly = EpcisIdentifiers.Registry(e.ParentId, EpcisIdentifiers.AssemblyUrn);
                if (e.ParentId is null) Fail("parentID", EpcisErrors.IdentifierUnsupported, "packing and unpacking name the assembly as parentID (urn:chipregistry:assembly:ID)");
                mapped = mapped with { AssemblyId = assembly };
                break;
            default:
                mapped = mapped with { Reason = e.BizStep };
                break;
        }
        return errors.Count > 0 ? (null, chips, errors) : (mapped, chips, errors);
    }

    private static string? Country(string? uri, string field, Action<string, string, string> fail)
    {
        var country = EpcisIdentifiers.Registry(uri, EpcisIdentifiers.CountryUrn);
        if (country is null || Countries.Problem(country, field) is not null)
        {
            fail(field, EpcisErrors.LocationUnmapped, $"'{uri}' is no country the registry knows (urn:chipregistry:country:CC)");
            return null;
        }
        return country;
    }

    private static string? Party(IReadOnlyList<EpcisTyped> list, string type, Action<string, string, string> fail)
    {
        var index = list.ToList().FindIndex(d => d.Type == type);
        var id = index < 0 ? null : EpcisIdentifiers.Registry(list[index].Value, EpcisIdentifiers.OrganisationUrn);
        if (id is null)
        {
            fail(index < 0 ? "destinationList" : $"destinationList/{index}", EpcisErrors.PartyUnmapped,
                index < 0 ? $"a shipment names its {type} (urn:chipregistry:organisation:ID)" : $"'{list[index].Value}' is no registry organisation (urn:chipregistry:organisation:ID)");
        }
        return id;
    }
}
