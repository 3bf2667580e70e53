using ChipRegistry.Domain.Chips;
using ChipRegistry.Domain.Common;
using ChipRegistry.Domain.Organisations;
using NodaTime;
using static ChipRegistry.Domain.Tests.Chips.ChipWorld;

namespace ChipRegistry.Domain.Tests.Common;

public class FreeTextTests
{
    private static readonly System.Text.Json.JsonSerializerOptions Unescaped = new() { Encoder = System.Text.Encodings.Web.JavaScriptEncoder.UnsafeRelaxedJsonEscaping };

    public static TheoryData<string> BadNames() =>
    [
        "a\u0007b", "a\nb", "a\tb", "a\u0000b", "abc\u202edcba", "a\u202ab", "a\u2066b", "a\u2069b", "a\ud800b", "a\udc00", "", "   ",
        "NVI\u200bDIA", "a\u2060b", "a\u2064b", "\ufeffname",
        new string('n', FreeText.MaxNameLength + 1),
    ];

    public static TheoryData<string> BadDetails() =>
    [
        "a\u0007b", "a\u0000b", "a\u001bb", "a\u007fb", "a\u0085b", "abc\u202edcba", "a\u2068b", "a\ud800b", "", "\n\t", "a\u200bb",
        new string('d', FreeText.MaxDetailLength + 1),
    ];

    [Theory]
    [MemberData(nameof(BadNames), DisableDiscoveryEnumeration = true)]
    public void a_name_with_a_control_or_bidi_character_or_out_of_bounds_is_invalid_text(string name) =>
        Assert.Equal(FreeText.InvalidText, FreeText.Name(name, "name").Error?.Code);

    [Theory]
    [MemberData(nameof(BadDetails), DisableDiscoveryEnumeration = true)]
    public void a_detail_with_a_control_character_other_than_a_line_break_or_tab_is_invalid_text(string detail) =>
        Assert.Equal(FreeText.InvalidText, FreeText.Detail(detail, "reason").Error?.Code);

    [Theory]
    [InlineData("line one\nline two")]
    [InlineData("line one\r\nline two")]
    [InlineData("a\ttab")]
    public void a_detail_may_hold_line_breaks_and_tabs(string detail) =>
        Assert.Equal(detail, FreeText.Detail(detail, "reason").Text);

    [Theory]
    [InlineData("Colossus Compute LLC")]
    [InlineData("Huawei \u534e\u4e3a")]
    [InlineData("emoji \ud83d\ude80 pairs are text")]
    [InlineData("\u0645\u06cc\u200c\u062e\u0648\u0627\u0647\u0645 joins stay")]
    [InlineData("family \ud83d\udc69\u200d\ud83d\udc67 joins stay")]
    public void ordinary_names_in_any_script_pass_as_they_are(string name) =>
        Assert.Equal(name, FreeText.Name(name, "name").Text);

    [Theory]
    [InlineData("Cafe\u0301 Ny\u0308", "Caf\u00e9 N\u00ff")]
    [InlineData("\u1100\u1161\u11a8", "\uac01")]
    [InlineData("a\u0323\u0302", "\u1ead")]
    [InlineData("a\u0302\u0323", "\u1ead")]
    [InlineData("\u212b", "\u00c5")]
    [InlineData("\u0958", "\u0915\u093c")]
    [InlineData("\u00c5\u0301", "\u01fa")]
    public void text_is_stored_nfc_normalised(string text, string nfc) =>
        Assert.Equal(nfc, FreeText.Name(text, "name").Text);

    [Fact]
    public void the_bounds_are_200_for_a_name_and_2000_for_a_detail_counted_after_normalisation()
    {
        Assert.NotNull(FreeText.Name(new string('n', 200), "name").Text);
        Assert.NotNull(FreeText.Detail(new string('d', 2000), "reason").Text);
        // 201 code units composed to 200: within the bound once normalised
        Assert.NotNull(FreeText.Name(new string('n', 199) + "e\u0301", "name").Text);
    }

    [Fact]
    public void an_organisation_name_is_checked_and_stored_normalised()
    {
        var admin = BuiltInOrganisations.RegistryAdmin;
        var refused = OrganisationDecisions.Decide(new RegisterOrganisation("acme", "Acme\u202e", OrganisationKind.Distributor, "SG", new LocalDate(2026, 1, 1), admin, T0), null);
        var accepted = OrganisationDecisions.Decide(new RegisterOrganisation("acme", "Acme Cafe\u0301", OrganisationKind.Distributor, "SG", new LocalDate(2026, 1, 1), admin, T0), null);

        Assert.Equal((FreeText.InvalidText, 0), (refused.Error?.Code, refused.Events.Count));
        Assert.Equal("Acme Caf\u00e9", Organisation.Fold(accepted.Events)!.Name);
    }

    [Fact]
    public void every_chip_command_with_a_text_refuses_a_bad_one_and_stores_it_normalised()
    {
        var inStock = InStock();
        var commands = new Func<string, IChipCommand>[]
        {
            text => new PlaceChipHold(Id(), ChipId, text, Bis, Next()),
            text => new DeclareChipIllegitimate(Id(), ChipId, text, Bis, Next()),
            text => new DecommissionChip(Id(), ChipId, text, Mfr, Next()),
            text => new DestroyChip(Id(), ChipId, text, Mfr, Next()),
            text => new ReportChipMissing(Id(), ChipId, MissingKind.Lost, text, Mfr, Next()),
            text => new ReportChipObservation(Id(), ChipId, "sighting", null, null, text, Stranger, Next()),
        };
        foreach (var command in commands)
        {
            var refused = ChipDecisions.Decide(command("held at \u202egnp.exe"), inStock);
            var accepted = ChipDecisions.Decide(command("Cafe\u0301 raid"), inStock);

            Assert.Equal((FreeText.InvalidText, 0), (refused.Error?.Code, refused.Events.Count));
            Assert.True(accepted.IsAccepted, accepted.ToString());
            Assert.Contains("Caf\u00e9 raid", System.Text.Json.JsonSerializer.Serialize<object>(accepted.Events[0], Unescaped), StringComparison.Ordinal);
        }
    }
}
