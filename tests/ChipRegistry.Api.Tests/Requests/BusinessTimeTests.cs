using ChipRegistry.Api.Problems;
using ChipRegistry.Api.Requests;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using NodaTime;

namespace ChipRegistry.Api.Tests.Requests;

public sealed class BusinessTimeTests
{
    private static readonly Instant Now = Instant.FromUtc(2026, 11, 22, 12, 0);

    [Theory]
    [InlineData(2014, 12, 31, 23, 59)]
    [InlineData(2026, 11, 22, 12, 6)]
    [InlineData(2099, 1, 1, 0, 0)]
    public void times_before_2015_or_past_the_skew_are_422_business_time_out_of_range(int year, int month, int day, int hour, int minute)
    {
        var problem = Assert.Throws<ApiProblemException>(() => new BusinessTimeOptions().Validate(Instant.FromUtc(year, month, day, hour, minute), Now));

        Assert.Equal("business_time_out_of_range", problem.Code);
        Assert.Equal(422, problem.Status);
    }

    [Theory]
    [InlineData(2015, 1, 1, 0, 0)]
    [InlineData(2024, 6, 1, 8, 30)]
    [InlineData(2026, 11, 22, 12, 5)]
    public void times_from_2015_up_to_five_minutes_ahead_are_accepted(int year, int month, int day, int hour, int minute)
    {
        new BusinessTimeOptions().Validate(Instant.FromUtc(year, month, day, hour, minute), Now);
    }

    [Fact]
    public async Task the_window_is_bound_from_configuration()
    {
        await using var api = await ApiHosts.StartAsync(new Dictionary<string, string>
        {
            ["ConnectionStrings:Registry"] = "Host=/nonexistent;Username=postgres",
            ["Registry:BusinessTime:MaxFutureSkew"] = "00:30:00",
        });

        var options = api.Services.GetRequiredService<IOptions<BusinessTimeOptions>>().Value;

        Assert.Equal(TimeSpan.FromMinutes(30), options.MaxFutureSkew);
        options.Validate(Now + Duration.FromMinutes(29), Now);
    }
}
