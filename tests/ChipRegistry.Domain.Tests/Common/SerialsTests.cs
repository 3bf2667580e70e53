using ChipRegistry.Domain.Chips;
using ChipRegistry.Domain.Common;
using ChipRegistry.Domain.Organisations;
using NodaTime;

namespace ChipRegistry.Domain.Tests.Common;

public class SerialsTests
{
    private static readonly Actor Nvidia = new("nvidia", OrganisationKind.Manufacturer);

    [Theory]
    [InlineData("1652223004561")]
    [InlineData("BD-2")]
    [InlineData("a.b_c-d")]
    [InlineData("-lead")]
    [InlineData("S12345678901234567890123456789012345678901234567890123456789012X")]
    public void ascii_letters_digits_and_dash_dot_underscore_up_to_64_make_a_serial(string serial) =>
        Assert.True(Serials.IsWellFormed(serial));

    [Theory]
    [InlineData("")]
    [InlineData("a b")]
    [InlineData("a/b")]
    [InlineData("a:b")]
    [InlineData("a\u0000b")]
    [InlineData("\u00e4")]
    [InlineData("a\u200bb")]
    [InlineData("S123456789012345678901234567890123456789012345678901234567890123X")]
    public void anything_else_is_not_a_serial(string serial) =>
        Assert.False(Serials.IsWellFormed(serial));

    [Theory]
    [InlineData("nvidia:")]
    [InlineData(":BD-2")]
    [InlineData("BD-2")]
    [InlineData("nvidia:BD 2")]
    [InlineData("nvidia:\u0000")]
    public void a_chip_whose_serial_breaks_the_grammar_is_not_registered(string chipId)
    {
        var decision = ChipDecisions.Decide(new RegisterChip(Guid.NewGuid(), chipId, "nvidia-h100-sxm", "lot-1", "TW", Nvidia, Instant.FromUtc(2026, 1, 5, 0, 0)), ChipState.Initial(chipId));

        Assert.Equal((Serials.InvalidSerial, 0), (decision.Error?.Code, decision.Events.Count));
    }

    [Fact]
    public void two_serials_that_differ_only_in_case_are_one_chip()
    {
        Assert.True(Serials.ChipIdComparer.Equals("nvidia:bd-2", "nvidia:BD-2"));
        Assert.Equal(Serials.Folded("nvidia:bd-2"), Serials.Folded("nvidia:BD-2"));
    }
}
