using System.ComponentModel.DataAnnotations;

namespace ChipRegistry.Api.Detection.Clock;

public enum ClockMode
{
    /// <summary>The API ticks by itself at every whole <see cref="ClockOptions.ClockInterval"/> (an hour by default).</summary>
    Hourly,

    /// <summary>Ticks come only from <c>POST /api/v1/admin/clock-ticks</c>, so a replay of history can interleave them with its acts.</summary>
    Manual,
}

/// <summary>The registry's clock: <c>Registry:Clock</c> (<c>hourly</c> or <c>manual</c>) and <c>Registry:ClockInterval</c>.</summary>
public sealed class ClockOptions : IValidatableObject
{
    public ClockMode Clock { get; set; } = ClockMode.Hourly;

    /// <summary>How far apart the automatic ticks are, in whole seconds; ticks fall on multiples of it since the Unix epoch.</summary>
    public TimeSpan ClockInterval { get; set; } = TimeSpan.FromHours(1);

    public IEnumerable<ValidationResult> Validate(ValidationContext validationContext)
    {
        if (ClockInterval < TimeSpan.FromSeconds(1) || ClockInterval.Ticks % TimeSpan.TicksPerSecond != 0)
        {
            yield return new ValidationResult("Registry:ClockInterval must be a whole number of seconds, at least one.", [nameof(ClockInterval)]);
        }
    }
}

public static class ClockHosting
{
    public static WebApplicationBuilder AddRegistryClock(this WebApplicationBuilder builder)
    {
        builder.Services.AddOptions<ClockOptions>()
            .Bind(builder.Configuration.GetSection(Hosting.RegistryOptions.Section))
            .ValidateDataAnnotations()
            .ValidateOnStart();
        builder.Services.AddHostedService<ClockTicker>();
        return builder;
    }
}
