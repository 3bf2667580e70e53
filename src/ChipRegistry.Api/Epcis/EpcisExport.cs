using System.Text.Json.Nodes;
using ChipRegistry.Domain.Chips;
using ChipRegistry.Domain.Gs1;
using ChipRegistry.Domain.Persistence;
using ChipRegistry.EventStore;
using NodaTime;

namespace ChipRegistry.Api.Epcis;

/// <summary>
/// A chip's history (or a lot's or an assembly's, its chips' histories together) as an EPCIS 2.0 document (docs/epcis-mapping.md, "Fields", export column): each act of the mapping
/// table as its event, an imported event as it was sent (its eventID, offset and the fields the registry does not model)
/// with the chip as its only EPC, a voided act with its <c>errorDeclaration</c>. Sales, holds, tenancies, attestations and
/// the registry's own observations are not custody events of EPCIS and are left out.
/// </summary>
public sealed class EpcisExport(IEventStore store, EpcisImportedEvents imported)
{
    public const string Context = "https://ref.gs1.org/standards/epcis/2.0.0/epcis-context.jsonld";

    public async Task<JsonObject> ChipAsync(string chipId, IReadOnlyList<IChipEvent> events, Instant now, CancellationToken cancellationToken) =>
        Document(await EventsOfAsync(chipId, events, cancellationToken), now);

    /// <summary>
    /// Several chips' histories (a lot's, an assembly's) as one document: each chip's events as <see cref="ChipAsync"/>
    /// writes them, an imported event that named several of the chips once, with all of them as its EPCs, and the
    /// events in eventTime order (a chip's own order where times tie).
    /// </summary>
    public async Task<JsonObject> ChipsAsync(IReadOnlyList<(string ChipId, IReadOnlyList<IChipEvent> Events)> chips, Instant now, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(chips);
        var merged = new List<JsonObject>();
        var byEventId = new Dictionary<string, JsonObject>(StringComparer.Ordinal);
        foreach (var (chipId, events) in chips)
        {
            foreach (var node in await EventsOfAsync(chipId, events, cancellationToken))
            {
                var eventId = node["eventID"]!.GetValue<string>();
                if (byEventId.TryGetValue(eventId, out var first))
                {
                    var epcs = (first["childEPCs"] ?? first["epcList"])!.AsArray();
                    foreach (var epc in (node["childEPCs"] ?? node["epcList"])!.AsArray())
                    {
                        epcs.Add(epc!.DeepClone());
                    }
                    continue;
                }
                byEventId[eventId] = node;
                merged.Add(node);
            }
        }
        return Document([.. merged.Select((node, order) => (node, order)).OrderBy(e => EventTime(e.node)).ThenBy(e => e.order).Select(e => e.node)], now);
    }

    private static Instant EventTime(JsonObject node) =>
        node["eventTime"]?.GetValue<string>() is { } time && NodaTime.Text.OffsetDateTimePattern.Rfc3339.Parse(time) is { Success: true } parsed
            ? parsed.Value.ToInstant()
            : Instant.MaxValue;

    private static JsonObject Document(IEnumerable<JsonObject> events, Instant now)
    {
        var list = new JsonArray();
        foreach (var node in events)
        {
            list.Add(node);
        }
        return new JsonObject
        {
            ["@context"] = new JsonArray(Context),
            ["type"] = "EPCISDocument",
            ["schemaVersion"] = "2.0",
            ["creationDate"] = Time(now),
            ["epcisBody"] = new JsonObject { ["eventList"] = list },
        };
    }

    /// <summary>One chip's events as EPCIS events: an act of the mapping table, an imported event as sent, a voided one with its declaration.</summary>
    private async Task<List<JsonObject>> EventsOfAsync(string chipId, IReadOnlyList<IChipEvent> events, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(events);
        var sent = await imported.ForChipAsync(chipId, cancellationToken);
        var epc = await EpcOfAsync(chipId, events, sent, cancellationToken);
        var voids = events.OfType<ChipEventVoided>().ToDictionary(v => v.VoidedEventId);
        var list = new List<JsonObject>();
        foreach (var e in events)
        {
            if (e is ChipEventVoided) continue;
            var node = sent.TryGetValue(e.EventId, out var original) ? FromImport(original, epc) : Native(e, epc);
            if (node is null) continue;
            if (voids.TryGetValue(e.EventId, out var voided))
            {
                node["errorDeclaration"] = new JsonObject
                {
                    ["declarationTime"] = Time(voided.OccurredAt),
                    ["reason"] = sent.TryGetValue(voided.EventId, out var declaration) && JsonNode.Parse(declaration.Raw)?["errorDeclaration"]?["reason"] is { } reason
                        ? reason.DeepClone()
                        : "incorrect_data",
                };
            }
            list.Add(node);
        }
        return list;
    }

    /// <summary>The imported event as sent, with this chip as its only EPC and without the declaration (added from the void).</summary>
    private static JsonObject? FromImport((string Key, string? Offset, string Raw) original, string epc)
    {
        if (JsonNode.Parse(original.Raw) is not JsonObject node) return null;
        node["eventID"] = original.Key;
        node.Remove("errorDeclaration");
        node.Remove("recordTime");
        if (node.ContainsKey("childEPCs")) node["childEPCs"] = new JsonArray(epc);
        else node["epcList"] = new JsonArray(epc);
        return node;
    }

    private static JsonObject? Native(IChipEvent e, string epc)
    {
        JsonObject Object(EpcisAct act, string action)
        {
            var (bizStep, disposition) = EpcisMapping.CbvOf(act);
            return new JsonObject
            {
                ["eventID"] = $"urn:uuid:{e.EventId}", ["type"] = "ObjectEvent", ["eventTime"] = Time(e.OccurredAt), ["eventTimeZoneOffset"] = "+00:00",
                ["epcList"] = new JsonArray(epc), ["action"] = action, ["bizStep"] = bizStep, ["disposition"] = disposition,
            };
        }
        JsonObject Aggregation(EpcisAct act, string action, string assemblyId)
        {
            var (bizStep, disposition) = EpcisMapping.CbvOf(act);
            return new JsonObject
            {
                ["eventID"] = $"urn:uuid:{e.EventId}", ["type"] = "AggregationEvent", ["eventTime"] = Time(e.OccurredAt), ["eventTimeZoneOffset"] = "+00:00",
                ["parentID"] = EpcisIdentifiers.AssemblyUrn + assemblyId, ["childEPCs"] = new JsonArray(epc), ["action"] = action,
                ["bizStep"] = bizStep, ["disposition"] = disposition,
            };
        }
        JsonObject Place(string id) => new() { ["id"] = id };
        JsonObject Party(string type, string organisationId) => new() { ["type"] = type, ["destination"] = EpcisIdentifiers.OrganisationUrn + organisationId };
        switch (e)
        {
            case ChipFabricated f:
                var commissioned = Object(EpcisAct.Commission, "ADD");
                commissioned["bizLocation"] = Place(EpcisIdentifiers.CountryUrn + f.Country);
                commissioned["ilmd"] = new JsonObject { ["cbvmda:lotNumber"] = f.LotId };
                return commissioned;
            case ChipShipped s:
                var shipped = Object(EpcisAct.Ship, "OBSERVE");
                shipped["destinationList"] = new JsonArray(Party("owning_party", s.EndUserId), Party("possessing_party", s.ConsigneeId),
                    new JsonObject { ["type"] = "location", ["destination"] = EpcisIdentifiers.CountryUrn + s.DestinationCountry });
                return shipped;
            case ChipReceived r:
                var received = Object(EpcisAct.Receive, "OBSERVE");
                received["bizLocation"] = Place(EpcisIdentifiers.CountryUrn + r.Country);
                return received;
            case ChipInstalled i:
                var installed = Object(EpcisAct.Install, "OBSERVE");
                installed["readPoint"] = Place($"{EpcisIdentifiers.RackUrn}{i.FacilityId}:{i.ClusterId}:{i.Rack}");
                installed["bizLocation"] = Place(EpcisIdentifiers.FacilityUrn + i.FacilityId);
                return installed;
            case ChipRemoved:
                return Object(EpcisAct.Remove, "OBSERVE");
            case ChipDecommissioned:
                return Object(EpcisAct.Decommission, "OBSERVE");
            case ChipDestroyed:
                return Object(EpcisAct.Destroy, "OBSERVE");
            case ChipPacked p:
                return Aggregation(EpcisAct.Pack, "ADD", p.AssemblyId);
            case ChipUnpacked u:
                return Aggregation(EpcisAct.Unpack, "DELETE", u.AssemblyId);
            default:
                return null;
        }
    }

    /// <summary>The chip's SGTIN: as an imported event named it, else from a GTIN mapped to its model, else the registry's own URN.</summary>
    private async Task<string> EpcOfAsync(string chipId, IReadOnlyList<IChipEvent> events, IReadOnlyDictionary<Guid, (string Key, string? Offset, string Raw)> sent,
        CancellationToken cancellationToken)
    {
        var serial = chipId[(chipId.IndexOf(':', StringComparison.Ordinal) + 1)..];
        foreach (var (_, _, raw) in sent.Values)
        {
            var node = JsonNode.Parse(raw);
            var epcs = (node?["epcList"] ?? node?["childEPCs"])?.AsArray().Select(n => n?.GetValue<string>()).OfType<string>() ?? [];
            if (epcs.FirstOrDefault(x => EpcisIdentifiers.ParseSgtin(x)?.Serial == serial) is { } named) return named;
        }
        if (events.OfType<ChipFabricated>().FirstOrDefault() is { } fabricated)
        {
            foreach (var key in await store.ListStreamKeysAsync(StreamKeys.GtinType, null, 1000, cancellationToken))
            {
                var gtin = (await GtinMappingCommands.LoadAsync(store, key[(StreamKeys.GtinType.Length + 1)..], cancellationToken)).State;
                if (gtin?.ModelId == fabricated.ModelId) return EpcisIdentifiers.SgtinOf(gtin.Gtin, gtin.CompanyPrefix, serial);
            }
        }
        return $"urn:chipregistry:chip:{chipId}";
    }

    private static string Time(Instant instant) => NodaTime.Text.InstantPattern.ExtendedIso.Format(instant);
}
