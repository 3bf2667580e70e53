using System.Net;
using System.Text.Json;
using ChipRegistry.Api.Chips;
using ChipRegistry.Api.Tests.Authorization;
using ChipRegistry.Domain.Chips;
using ChipRegistry.Domain.Organisations;
using ChipRegistry.Domain.Persistence;
using Microsoft.Extensions.DependencyInjection;

namespace ChipRegistry.Api.Tests.Assemblies;

public sealed class AssemblyEndpointTests(ApiFixture host) : IClassFixture<ApiFixture>
{
    private readonly RegistryWorld world = new(host);

    private async Task<MatrixCaller> PartyAsync(string id, OrganisationKind kind, string country = "US") => await world.PartyAsync(id, kind, country);

    private static object Ship(string consignee) => new { destinationCountry = "US", consigneeId = consignee, endUserId = consignee, billToId = consignee, shipToId = consignee, payerId = consignee };

    [Fact]
    public async Task an_integrator_receives_boards_builds_a_server_and_ships_it_to_an_operator_who_installs_it()
    {
        var maker = await PartyAsync("asm-maker", OrganisationKind.Manufacturer);
        var integrator = await PartyAsync("asm-integrator", OrganisationKind.Integrator);
        var op = await PartyAsync("asm-operator", OrganisationKind.Operator);
        var chips = new[] { await world.ChipAsync(maker.OrganisationId), await world.ChipAsync(maker.OrganisationId) };

        // The manufacturer ships its chips on a board; the integrator takes them off and builds a server.
        await world.PostAsync(maker, "/api/v1/assemblies", new { assemblyId = "board-1", kind = "board", serial = "B-0001", country = "US" });
        await world.PostAsync(maker, "/api/v1/assemblies/board-1/pack", new { chipIds = chips });
        await world.ShipAsync(maker, "board-1", integrator.OrganisationId);
        await world.PostAsync(integrator, "/api/v1/assemblies/board-1/receipts", new { country = "US" });
        await world.PostAsync(integrator, "/api/v1/assemblies/board-1/unpack", new { chipIds = chips });
        await world.PostAsync(integrator, "/api/v1/assemblies", new { assemblyId = "server-1", kind = "server", serial = "S-0001", country = "US" });
        var packed = await world.PostAsync(integrator, "/api/v1/assemblies/server-1/pack", new { chipIds = chips });
        using (var server = JsonDocument.Parse(await packed.Content.ReadAsStringAsync(TestContext.Current.CancellationToken)))
        {
            Assert.Equal(chips, server.RootElement.GetProperty("chipIds").EnumerateArray().Select(c => c.GetString()));
            Assert.Equal("asm-integrator", server.RootElement.GetProperty("custodianId").GetString());
        }

        var shipped = await world.PostAsync(integrator, "/api/v1/assemblies/server-1/shipments", Ship(op.OrganisationId));
        using (var inTransit = JsonDocument.Parse(await shipped.Content.ReadAsStringAsync(TestContext.Current.CancellationToken)))
        {
            Assert.Equal("in_transit", inTransit.RootElement.GetProperty("stage").GetString());
        }
        await world.PostAsync(op, "/api/v1/assemblies/server-1/receipts", new { country = "US" });
        var facilityId = await world.FacilityAsync(op);
        var installed = await world.PostAsync(op, "/api/v1/assemblies/server-1/installation", new { facilityId, clusterId = "hall-a", rack = "R-01" });

        using var result = JsonDocument.Parse(await installed.Content.ReadAsStringAsync(TestContext.Current.CancellationToken));
        Assert.Equal("installed", result.RootElement.GetProperty("stage").GetString());
        Assert.Equal(facilityId, result.RootElement.GetProperty("facilityId").GetString());
        var reads = host.Services.GetRequiredService<RegistryReads>();
        foreach (var chipId in chips)
        {
            var chip = await reads.LoadChipAsync(chipId, TestContext.Current.CancellationToken);
            Assert.Equal(ChipStage.Installed, chip.State.Stage);
            Assert.Equal("asm-operator", chip.State.CustodianId);
        }
    }

    [Fact]
    public async Task packing_a_chip_the_caller_cannot_see_gets_the_fixed_chip_404_identical_to_an_unknown_serial_and_writes_nothing()
    {
        var maker = await PartyAsync("asm-maker", OrganisationKind.Manufacturer);
        var integrator = await PartyAsync("asm-integrator-2", OrganisationKind.Integrator);
        var othersChip = await world.ChipAsync(maker.OrganisationId);
        await world.PostAsync(integrator, "/api/v1/assemblies", new { assemblyId = "server-hidden", kind = "server", serial = "S-0002", country = "US" });
        var before = await world.EventCountAsync();

        var hidden = await host.SendAsync(HttpMethod.Post, "/api/v1/assemblies/server-hidden/pack", integrator.Token, new { chipIds = new[] { othersChip } });
        var unknown = await host.SendAsync(HttpMethod.Post, "/api/v1/assemblies/server-hidden/pack", integrator.Token, new { chipIds = new[] { "nvidia:0000000000000" } });

        Assert.Equal(HttpStatusCode.NotFound, hidden.StatusCode);
        Assert.Equal(ChipNotFoundException.Body.ToArray(), await hidden.Content.ReadAsByteArrayAsync(TestContext.Current.CancellationToken));
        Assert.Equal(ChipNotFoundException.Body.ToArray(), await unknown.Content.ReadAsByteArrayAsync(TestContext.Current.CancellationToken));
        Assert.Equal(hidden.Content.Headers.ContentType, unknown.Content.Headers.ContentType);
        Assert.Equal(before, await world.EventCountAsync());
    }

    [Fact]
    public async Task an_assembly_held_by_someone_else_is_answered_as_unregistered_for_every_step()
    {
        var maker = await PartyAsync("asm-maker", OrganisationKind.Manufacturer);
        var rival = await PartyAsync("asm-rival", OrganisationKind.Manufacturer);
        var held = await world.HeldAssemblyAsync(maker, packed: true);
        var before = await world.EventCountAsync();

        foreach (var (step, body) in new (string, object)[]
        {
            ("pack", new { chipIds = new[] { held.ChipId } }),
            ("unpack", new { chipIds = new[] { held.ChipId } }),
            ("shipments", Ship(rival.OrganisationId)),
            ("receipts", new { country = "US" }),
        })
        {
            var response = await host.SendAsync(HttpMethod.Post, $"/api/v1/assemblies/{held.AssemblyId}/{step}", rival.Token, body);
            Assert.Equal((HttpStatusCode.NotFound, "assembly_not_registered"), (response.StatusCode, await ApiFixture.ProblemCodeAsync(response)));
        }
        Assert.Equal(before, await world.EventCountAsync());
    }

    [Fact]
    public async Task the_holder_reads_its_assembly_the_consignee_while_it_is_shipped_to_it_and_agencies_and_the_registry_always()
    {
        var maker = await PartyAsync("asm-read-maker", OrganisationKind.Manufacturer);
        var consignee = await PartyAsync("asm-read-consignee", OrganisationKind.Operator);
        var agency = await PartyAsync("asm-read-agency", OrganisationKind.Agency);
        var held = await world.HeldAssemblyAsync(maker, packed: true);
        var path = $"/api/v1/assemblies/{held.AssemblyId}";

        using (var read = await host.GetJsonAsync(maker.Token, path))
        {
            var assembly = read.RootElement;
            Assert.Equal((held.AssemblyId, "server", "in_stock", "asm-read-maker", "US"), (assembly.GetProperty("assemblyId").GetString(), assembly.GetProperty("kind").GetString(),
                assembly.GetProperty("stage").GetString(), assembly.GetProperty("custodianId").GetString(), assembly.GetProperty("country").GetString()));
            Assert.Equal([held.ChipId], assembly.GetProperty("chipIds").EnumerateArray().Select(c => c.GetString()));
        }
        var beforeShipping = await host.SendAsync(HttpMethod.Get, path, consignee.Token);
        Assert.Equal((HttpStatusCode.NotFound, "assembly_not_registered"), (beforeShipping.StatusCode, await ApiFixture.ProblemCodeAsync(beforeShipping)));

        await world.ShipAsync(maker, held.AssemblyId, consignee.OrganisationId);
        foreach (var reader in new[] { maker.Token, consignee.Token, agency.Token, ApiFixture.AdminKey })
        {
            using var read = await host.GetJsonAsync(reader, path);
            Assert.Equal(("in_transit", "asm-read-consignee"), (read.RootElement.GetProperty("stage").GetString(), read.RootElement.GetProperty("consigneeId").GetString()));
        }

        // Receipt makes the consignee the holder, and the shipper, no longer holding it, loses sight of it.
        await world.PostAsync(consignee, $"{path}/receipts", new { country = "US" });
        using (var received = await host.GetJsonAsync(consignee.Token, path))
        {
            Assert.Equal("asm-read-consignee", received.RootElement.GetProperty("custodianId").GetString());
        }
        var shipper = await host.SendAsync(HttpMethod.Get, path, maker.Token);
        Assert.Equal((HttpStatusCode.NotFound, "assembly_not_registered"), (shipper.StatusCode, await ApiFixture.ProblemCodeAsync(shipper)));
        using (var agencyRead = await host.GetJsonAsync(agency.Token, path))
        {
            Assert.Equal("in_stock", agencyRead.RootElement.GetProperty("stage").GetString());
        }
    }

    [Fact]
    public async Task a_stranger_reading_an_assembly_gets_the_404_of_an_unknown_id_and_of_the_assembly_writes()
    {
        var maker = await PartyAsync("asm-read-maker", OrganisationKind.Manufacturer);
        var stranger = await PartyAsync("asm-read-stranger", OrganisationKind.Distributor);
        // The same id before and after it is registered, so the detail naming it cannot differ: only existence could.
        var assemblyId = RegistryWorld.FreshId("srv");
        var path = $"/api/v1/assemblies/{assemblyId}";
        var unknown = await host.SendAsync(HttpMethod.Get, path, stranger.Token);
        await world.PostAsync(maker, "/api/v1/assemblies", new { assemblyId, kind = "server", serial = RegistryWorld.FreshId("sn"), country = "US" });

        var hidden = await host.SendAsync(HttpMethod.Get, path, stranger.Token);
        var write = await host.SendAsync(HttpMethod.Post, $"{path}/receipts", stranger.Token, new { country = "US" });

        Assert.Equal((HttpStatusCode.NotFound, "assembly_not_registered"), (hidden.StatusCode, await ApiFixture.ProblemCodeAsync(hidden)));
        foreach (var other in new[] { unknown, write })
        {
            Assert.Equal(other.StatusCode, hidden.StatusCode);
            Assert.Equal(other.Content.Headers.ContentType, hidden.Content.Headers.ContentType);
            Assert.Equal(await ApiFixture.ProblemBytesAsync(other), await ApiFixture.ProblemBytesAsync(hidden));
        }
        using var holderRead = await host.GetJsonAsync(maker.Token, path);
        Assert.Equal(assemblyId, holderRead.RootElement.GetProperty("assemblyId").GetString());
    }

    [Fact]
    public async Task illegal_steps_and_bad_input_get_their_codes_and_write_nothing()
    {
        var maker = await PartyAsync("asm-maker", OrganisationKind.Manufacturer);
        var consignee = await PartyAsync("asm-consignee", OrganisationKind.Distributor);
        var held = await world.HeldAssemblyAsync(maker, packed: true);
        await world.PostAsync(maker, "/api/v1/assemblies", new { assemblyId = "dup-asm", kind = "board", serial = "D-1", country = "US" });
        var before = await world.EventCountAsync();

        async Task Expect(string token, string path, string json, int status, string code)
        {
            var response = await world.PostRawAsync(token, path, json);
            Assert.True((status, code) == ((int)response.StatusCode, await ApiFixture.ProblemCodeAsync(response)), $"{path} {json}: {(int)response.StatusCode} {await response.Content.ReadAsStringAsync(TestContext.Current.CancellationToken)}");
        }
        var asm = $"/api/v1/assemblies/{held.AssemblyId}";
        await Expect(maker.Token, "/api/v1/assemblies", "{\"assemblyId\":\"dup-asm\",\"kind\":\"board\",\"serial\":\"D-1\",\"country\":\"US\"}", 409, "assembly_already_registered");
        await Expect(maker.Token, "/api/v1/assemblies", "{\"assemblyId\":\"new-asm\",\"kind\":\"rack\",\"serial\":\"D-1\",\"country\":\"US\"}", 422, "unknown_assembly_kind");
        await Expect(maker.Token, "/api/v1/assemblies", "{\"assemblyId\":\"new-asm\",\"kind\":\"board\",\"serial\":\"\",\"country\":\"US\"}", 422, "invalid_assembly");
        await Expect(maker.Token, "/api/v1/assemblies", "{\"assemblyId\":\"new-asm\",\"kind\":\"board\",\"serial\":\"x\",\"country\":\"US\",\"occurredAt\":\"2014-12-31T23:59:59Z\"}", 422, "business_time_out_of_range");
        await Expect(maker.Token, $"{asm}/pack", "{\"chipIds\":[]}", 422, "invalid_chip_list");
        await Expect(maker.Token, $"{asm}/pack", $"{{\"chipIds\":[\"{held.ChipId}\",\"{held.ChipId}\"]}}", 422, "invalid_chip_list");
        await Expect(maker.Token, $"{asm}/pack", "{\"chipIds\":\"all\"}", 400, "wrong_type");
        await Expect(maker.Token, $"{asm}/receipts", "{\"country\":\"US\"}", 409, "assembly_not_in_transit");
        await Expect(maker.Token, $"{asm}/shipments", "{\"destinationCountry\":\"US\",\"consigneeId\":\"ghost\",\"endUserId\":\"ghost\",\"billToId\":\"ghost\",\"shipToId\":\"ghost\",\"payerId\":\"ghost\"}", 404, "organisation_not_registered");
        await Expect(maker.Token, $"{asm}/shipments", $"{{\"destinationCountry\":\"US\",\"consigneeId\":\"{consignee.OrganisationId}\",\"endUserId\":\"{consignee.OrganisationId}\",\"billToId\":\"x\",\"shipToId\":\"x\",\"payerId\":\"x\",\"licenceId\":\"lic-x\",\"notificationId\":\"nac-x\"}}", 422, "invalid_shipment");
        await Expect(maker.Token, $"{asm}/shipments", $"{{\"destinationCountry\":\"US\",\"consigneeId\":\"{consignee.OrganisationId}\",\"endUserId\":\"{consignee.OrganisationId}\",\"billToId\":\"x\",\"shipToId\":\"x\",\"payerId\":\"x\",\"licenceId\":\"lic-x\"}}", 404, "licence_not_found");
        Assert.Equal(before, await world.EventCountAsync());

        await world.ShipAsync(maker, held.AssemblyId, consignee.OrganisationId);
        var inTransit = await world.EventCountAsync();
        await Expect(maker.Token, $"{asm}/shipments", $"{{\"destinationCountry\":\"US\",\"consigneeId\":\"{consignee.OrganisationId}\",\"endUserId\":\"{consignee.OrganisationId}\",\"billToId\":\"x\",\"shipToId\":\"x\",\"payerId\":\"x\"}}", 409, "assembly_in_transit");
        await Expect(maker.Token, $"{asm}/unpack", $"{{\"chipIds\":[\"{held.ChipId}\"]}}", 409, "assembly_not_in_stock");
        await Expect(consignee.Token, $"{asm}/shipments", $"{{\"destinationCountry\":\"US\",\"consigneeId\":\"{maker.OrganisationId}\",\"endUserId\":\"{maker.OrganisationId}\",\"billToId\":\"x\",\"shipToId\":\"x\",\"payerId\":\"x\"}}", 409, "not_custodian");
        Assert.Equal(inTransit, await world.EventCountAsync());
    }

    [Fact]
    public async Task a_shipment_abroad_cites_a_licence_and_every_chip_records_the_check_against_what_was_already_shipped()
    {
        var maker = await PartyAsync("asm-exporter", OrganisationKind.Manufacturer);
        var consignee = await PartyAsync("asm-uae-operator", OrganisationKind.Operator, "AE");
        var agency = await PartyAsync("asm-agency", OrganisationKind.Agency);
        await world.PostAsync(agency, "/api/v1/licences", new
        {
            licenceId = "lic-uae", number = "D3000003", holderId = maker.OrganisationId, consigneeId = consignee.OrganisationId, endUserId = consignee.OrganisationId,
            destination = "AE", modelIds = new[] { RegistryWorld.ModelId }, quantity = 3, validFrom = "2026-01-01", validUntil = "2027-12-31",
        });
        var abroad = new
        {
            destinationCountry = "AE", consigneeId = consignee.OrganisationId, endUserId = consignee.OrganisationId, billToId = consignee.OrganisationId,
            shipToId = consignee.OrganisationId, payerId = consignee.OrganisationId, licenceId = "lic-uae",
        };

        async Task<IReadOnlyList<ChipShipped>> ShipTwoChipsAsync()
        {
            var chips = new[] { await world.ChipAsync(maker.OrganisationId), await world.ChipAsync(maker.OrganisationId) };
            var assemblyId = RegistryWorld.FreshId("srv");
            await world.PostAsync(maker, "/api/v1/assemblies", new { assemblyId, kind = "server", serial = RegistryWorld.FreshId("sn"), country = "US" });
            await world.PostAsync(maker, $"/api/v1/assemblies/{assemblyId}/pack", new { chipIds = chips });
            await world.PostAsync(maker, $"/api/v1/assemblies/{assemblyId}/shipments", abroad);
            var reads = host.Services.GetRequiredService<RegistryReads>();
            var shipped = new List<ChipShipped>();
            foreach (var chipId in chips)
            {
                shipped.Add((await reads.ReadChipHistoryAsync(chipId, cancellationToken: TestContext.Current.CancellationToken)).Select(e => e.Data).OfType<ChipShipped>().Single());
            }
            return shipped;
        }

        var first = await ShipTwoChipsAsync();
        var second = await ShipTwoChipsAsync();

        Assert.All(first, e => Assert.Equal((ChipRegistry.Domain.Licences.LicenceCheckResult.Ok, "D3000003"), (e.LicenceCheck, e.AuthorisationNumber)));
        Assert.All(second, e => Assert.Equal(ChipRegistry.Domain.Licences.LicenceCheckResult.QuantityExceeded, e.LicenceCheck));
    }
}
