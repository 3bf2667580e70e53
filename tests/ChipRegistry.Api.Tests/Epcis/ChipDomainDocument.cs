using System.Text.Json.Nodes;
using ChipRegistry.Api.Tests.Gs1;

namespace ChipRegistry.Api.Tests.Epcis;

/// <summary>
/// Our own chip-domain EPCIS document, sent by the manufacturer: three chips commissioned, one packed into a server, one
/// shipped with its owning and possessing party, one shipped to the wrong party, declared in error and shipped again
/// (the corrective event); and the operator's document: the receipt and installation of the chip shipped to it. The
/// packing event has no eventID: it is keyed on its hash id. Each arrangement has its own eventIDs: the makers of one
/// host are shared, and an eventID sent again with other content (other chips) is refused as reused.
/// </summary>
public sealed record ChipDomainDocument(string Json, string OperatorJson, string OperatorToken, string ChipA, string ChipB, string ChipC, string AssemblyId, string OperatorId, string FacilityId, string ShippingToWrongParty)
{
    public static async Task<ChipDomainDocument> ArrangeAsync(ApiFixture host)
    {
        static string Fresh() => $"urn:uuid:{Guid.NewGuid()}";
        var (wrongShipping, correctiveShipping) = (Fresh(), Fresh());
        var world = new RegistryWorld(host);
        var maker = await world.MakerAsync();
        var grant = await Gs1Setup.GrantAsync(host, maker);
        var @operator = await world.PartyAsync("epcis-operator", Domain.Organisations.OrganisationKind.Operator, "US");
        var wrong = await world.ExporterAsync();
        var facilityId = await world.FacilityAsync(@operator);
        var assemblyId = RegistryWorld.FreshId("srv");
        await world.PostAsync(maker, "/api/v1/assemblies", new { assemblyId, kind = "server", serial = RegistryWorld.FreshId("sn"), country = "US" });
        var serial = RegistryWorld.FreshId("s");
        var (a, b, c) = (grant.Sgtin(serial + "a"), grant.Sgtin(serial + "b"), grant.Sgtin(serial + "c"));
        JsonObject Party(string type, string id) => new() { ["type"] = type, ["destination"] = $"urn:chipregistry:organisation:{id}" };
        JsonObject Shipping(string eventId, string time, string chip, string to) => new()
        {
            ["eventID"] = eventId, ["type"] = "ObjectEvent", ["eventTime"] = time, ["eventTimeZoneOffset"] = "-05:00",
            ["epcList"] = new JsonArray(chip), ["action"] = "OBSERVE", ["bizStep"] = "shipping", ["disposition"] = "in_transit",
            ["readPoint"] = new JsonObject { ["id"] = "urn:epc:id:sgln:0614141.00777.0" },
            ["bizTransactionList"] = new JsonArray(new JsonObject { ["type"] = "po", ["bizTransaction"] = "urn:epcglobal:cbv:bt:0614141073467:PO-77" }),
            ["sourceList"] = new JsonArray(
                new JsonObject { ["type"] = "owning_party", ["source"] = $"urn:chipregistry:organisation:{maker.OrganisationId}" },
                new JsonObject { ["type"] = "possessing_party", ["source"] = $"urn:chipregistry:organisation:{maker.OrganisationId}" }),
            ["destinationList"] = new JsonArray(Party("owning_party", to), Party("possessing_party", to),
                new JsonObject { ["type"] = "location", ["destination"] = "urn:chipregistry:country:US" }),
        };
        var declared = Shipping(wrongShipping, "2026-06-04T09:00:00-05:00", c, wrong.OrganisationId);
        declared["errorDeclaration"] = new JsonObject
        {
            ["declarationTime"] = "2026-06-05T09:00:00-05:00", ["reason"] = "incorrect_data", ["correctiveEventIDs"] = new JsonArray(correctiveShipping),
        };
        var events = new JsonArray(
            new JsonObject
            {
                ["eventID"] = Fresh(), ["type"] = "ObjectEvent", ["eventTime"] = "2026-06-01T08:00:00+08:00",
                ["eventTimeZoneOffset"] = "+08:00", ["epcList"] = new JsonArray(a, b, c), ["action"] = "ADD", ["bizStep"] = "commissioning", ["disposition"] = "active",
                ["bizLocation"] = new JsonObject { ["id"] = "urn:chipregistry:country:TW" }, ["ilmd"] = new JsonObject { ["cbvmda:lotNumber"] = RegistryWorld.FreshId("lot") },
            },
            new JsonObject
            {
                ["type"] = "AggregationEvent", ["eventTime"] = "2026-06-02T09:00:00-05:00", ["eventTimeZoneOffset"] = "-05:00",
                ["parentID"] = $"urn:chipregistry:assembly:{assemblyId}", ["childEPCs"] = new JsonArray(a), ["action"] = "ADD", ["bizStep"] = "packing", ["disposition"] = "in_progress",
            },
            Shipping(Fresh(), "2026-06-03T09:00:00-05:00", b, @operator.OrganisationId),
            Shipping(wrongShipping, "2026-06-04T09:00:00-05:00", c, wrong.OrganisationId),
            declared,
            Shipping(correctiveShipping, "2026-06-06T09:00:00-05:00", c, @operator.OrganisationId));
        var operatorEvents = new JsonArray(
            new JsonObject
            {
                ["eventID"] = Fresh(), ["type"] = "ObjectEvent", ["eventTime"] = "2026-06-07T09:00:00-05:00", ["eventTimeZoneOffset"] = "-05:00",
                ["epcList"] = new JsonArray(b), ["action"] = "OBSERVE", ["bizStep"] = "receiving", ["disposition"] = "in_progress",
                ["bizLocation"] = new JsonObject { ["id"] = "urn:chipregistry:country:US" },
            },
            new JsonObject
            {
                ["eventID"] = Fresh(), ["type"] = "ObjectEvent", ["eventTime"] = "2026-06-08T09:00:00-05:00", ["eventTimeZoneOffset"] = "-05:00",
                ["epcList"] = new JsonArray(b), ["action"] = "OBSERVE", ["bizStep"] = "installing", ["disposition"] = "active",
                ["readPoint"] = new JsonObject { ["id"] = $"urn:chipregistry:rack:{facilityId}:hall-a:r12" },
                ["bizLocation"] = new JsonObject { ["id"] = $"urn:chipregistry:facility:{facilityId}" },
            });
        var document = new JsonObject
        {
            ["@context"] = new JsonArray("https://ref.gs1.org/standards/epcis/2.0.0/epcis-context.jsonld"),
            ["type"] = "EPCISDocument", ["schemaVersion"] = "2.0", ["creationDate"] = "2026-06-09T00:00:00Z",
            ["epcisBody"] = new JsonObject { ["eventList"] = events },
        };
        var operatorDocument = new JsonObject
        {
            ["@context"] = new JsonArray("https://ref.gs1.org/standards/epcis/2.0.0/epcis-context.jsonld"),
            ["type"] = "EPCISDocument", ["schemaVersion"] = "2.0", ["creationDate"] = "2026-06-09T00:00:00Z",
            ["epcisBody"] = new JsonObject { ["eventList"] = operatorEvents },
        };
        var chip = (string sgtin) => $"{maker.OrganisationId}:{sgtin[(sgtin.LastIndexOf('.') + 1)..]}";
        return new ChipDomainDocument(document.ToJsonString(), operatorDocument.ToJsonString(), @operator.Token, chip(a), chip(b), chip(c), assemblyId, @operator.OrganisationId, facilityId, wrongShipping);
    }
}
