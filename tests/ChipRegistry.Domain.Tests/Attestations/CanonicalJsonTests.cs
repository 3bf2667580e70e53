using System.Text;
using ChipRegistry.Domain.Attestations;

namespace ChipRegistry.Domain.Tests.Attestations;

public sealed class CanonicalJsonTests
{
    [Fact]
    public void the_rfc_8785_sample_canonicalizes_to_the_published_bytes()
    {
        // RFC 8785, section 3.2.2: the sample input and its canonical form.
        const string input = """
            {
              "numbers": [333333333.33333329, 1E30, 4.50, 2e-3, 0.000000000000000000000000001],
              "string": "\u20ac$\u000F\u000aA'\u0042\u0022\u005c\\\"\/",
              "literals": [null, true, false]
            }
            """;
        const string expected = """{"literals":[null,true,false],"numbers":[333333333.3333333,1e+30,4.5,0.002,1e-27],"string":"€$\u000f\nA'B\"\\\\\"/"}""";

        Assert.Equal(expected, Encoding.UTF8.GetString(CanonicalJson.Serialize(input)));
    }

    [Theory]
    [InlineData(0.0, "0")]
    [InlineData(1.0, "1")]
    [InlineData(100.0, "100")]
    [InlineData(-1.5, "-1.5")]
    [InlineData(1e21, "1e+21")]
    [InlineData(1e20, "100000000000000000000")]
    [InlineData(1.5e-7, "1.5e-7")]
    [InlineData(0.000001, "0.000001")]
    [InlineData(123.456, "123.456")]
    [InlineData(9007199254740993.0, "9007199254740992")]
    [InlineData(5e-324, "5e-324")]
    [InlineData(1.7976931348623157e308, "1.7976931348623157e+308")]
    public void numbers_follow_ecmascript_formatting(double value, string expected)
    {
        Assert.Equal(expected, CanonicalJson.FormatNumber(value));
    }

    [Fact]
    public void negative_zero_is_written_as_zero()
    {
        Assert.Equal("0", CanonicalJson.FormatNumber(-0.0));
    }

    [Fact]
    public void property_names_sort_by_utf16_code_units_not_by_culture()
    {
        const string input = """{"b":1,"a":2,"B":3,"\u00e9":4,"\ud83d\ude00":5,"\ufb01":6}""";

        Assert.Equal("{\"B\":3,\"a\":2,\"b\":1,\"é\":4,\"😀\":5,\"ﬁ\":6}", Encoding.UTF8.GetString(CanonicalJson.Serialize(input)));
    }
}
