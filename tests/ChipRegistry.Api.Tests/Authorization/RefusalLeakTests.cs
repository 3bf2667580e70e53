using System.Text.Json;
using ChipRegistry.Api.Chips.Lifecycle;
using ChipRegistry.Api.Tests.Chips;
using ChipRegistry.Domain.Chips;
using ChipRegistry.Domain.Common;
using ChipRegistry.Domain.Organisations;

namespace ChipRegistry.Api.Tests.Authorization;

/// <summary>
/// The refusals a caller gets about a chip or facility it does see (409s and 422s, which the matrix's 403s and 404s
/// do not reach): each is asked the way a client would, and none may name an organisation the request did not.
/// </summary>
public sealed class RefusalLeakTests(ApiFixture host) : IClassFixture<ApiFixture>
{
    private readonly ChipArranger arrange = new(host);

    [Fact]
    public async Task refusals_about_a_chip_or_facility_the_caller_sees_name_no_other_organisation()
    {
        await arrange.EnsureOrganisationsAsync();
        foreach (var (id, kind) in new[] { ("leak-buyer", OrganisationKind.Distributor), ("leak-other", OrganisationKind.Distributor), ("leak-site-owner", OrganisationKind.Operator) })
        {
            await host.RegisterOrganisationAsync(id, kind);
        }
        var maker = await host.OrganisationKeyAsync(ChipArranger.Manufacturer, OrganisationKind.Manufacturer, "TW");
        var secondAgency = await host.OrganisationKeyAsync("leak-agency", OrganisationKind.Agency);
        var installer = await host.OrganisationKeyAsync("leak-installer", OrganisationKind.Operator);
        var buyer = new Actor("leak-buyer", OrganisationKind.Distributor);

        var offered = await arrange.OfferedToAsync(buyer);
        var held = await arrange.OnHoldAsync();
        var site = await arrange.FacilityOfAsync(new Actor("leak-site-owner", OrganisationKind.Operator));
        var inStock = await arrange.InCustodyOfAsync(new Actor("leak-installer", OrganisationKind.Operator));
        var accepted = await arrange.OfferedToAsync(buyer);
        var offer = (await arrange.LoadHistoryAsync(accepted)).Events[^1].EventId;
        await arrange.Accept(new AcceptChipSale(Guid.NewGuid(), accepted, buyer, ChipArranger.Now));

        var calls = new (string Cell, string Key, string CallerId, string Path, object Body, string Code)[]
        {
            ("an offer while another is open", maker.Token, ChipArranger.Manufacturer, $"/api/v1/chips/{offered}/sale-offer", new SaleOfferRequest("leak-other"), "sale_already_offered"),
            ("an offer of a chip on hold", maker.Token, ChipArranger.Manufacturer, $"/api/v1/chips/{held}/sale-offer", new SaleOfferRequest("leak-other"), "chip_on_hold"),
            ("a second agency's hold", secondAgency.Token, "leak-agency", $"/api/v1/chips/{held}/hold", new HoldRequest("second look"), "chip_already_on_hold"),
            ("an installation at another operator's facility", installer.Token, "leak-installer", $"/api/v1/chips/{inStock}/installations", new InstallationRequest(site.Id, "c1", "r1"), "unknown_facility"),
            ("a void of an offer the buyer accepted", maker.Token, ChipArranger.Manufacturer, $"/api/v1/chips/{accepted}/voids", new VoidRequest(offer, "wrong buyer"), "void_dependents_by_others"),
        };
        var refusals = new List<Refusal>();
        var answers = new List<string>();
        foreach (var (cell, key, callerId, path, body, code) in calls)
        {
            var response = await host.SendAsync(HttpMethod.Post, path, key, body);
            answers.Add($"{cell}: {(int)response.StatusCode} {await ApiFixture.ProblemCodeAsync(response)}");
            refusals.Add(new Refusal(cell, callerId, path + " " + JsonSerializer.Serialize(body, body.GetType(), ApiFixture.Json),
                await response.Content.ReadAsStringAsync(TestContext.Current.CancellationToken)));
        }

        Assert.Empty(await OrganisationLeaks.FindAsync(host, refusals));
        Assert.Equal([.. calls.Select(c => $"{c.Cell}: {(c.Code == "unknown_facility" ? 422 : 409)} {c.Code}")], answers);
    }

    [Theory]
    [InlineData("{\"detail\":\"an offer to leak-buyer is open\"}", "leak-buyer", true)]
    [InlineData("{\"detail\":\"chip leak-buyer:42 is not registered\"}", "leak-buyer", false)]
    [InlineData("{\"detail\":\"leak-buyer-2 is not registered\"}", "leak-buyer", false)]
    [InlineData("{\"detail\":\"on hold by leak-buyer: diversion\"}", "leak-buyer", true)]
    public void an_organisation_id_counts_as_named_only_as_a_whole_token(string body, string id, bool named) =>
        Assert.Equal(named, OrganisationLeaks.Names(body, id));
}
