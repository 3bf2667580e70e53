using ChipRegistry.Api.Problems;
using ChipRegistry.EventStore;
using NodaTime;

namespace ChipRegistry.Api.Requests;

/// <summary>
/// The business times a report may carry: not before the registry's epoch (no controlled chip predates
/// 2015) and not more than a small clock skew into the future.
/// </summary>
public sealed class BusinessTimeOptions
{
    public const string Section = "Registry:BusinessTime";

    public DateTimeOffset Earliest { get; set; } = new(2015, 1, 1, 0, 0, 0, TimeSpan.Zero);

    public TimeSpan MaxFutureSkew { get; set; } = TimeSpan.FromMinutes(5);

    public void Validate(Instant occurredAt, Instant now, string field = "occurredAt")
    {
        var earliest = Instant.FromDateTimeOffset(Earliest);
        var latest = now + Duration.FromTimeSpan(MaxFutureSkew);
        if (occurredAt < earliest || occurredAt > latest)
        {
            throw new ApiProblemException(StatusCodes.Status422UnprocessableEntity, "business_time_out_of_range",
                "A business time is out of range.", $"{field} must lie between {RegistryTime.Format(earliest)} and {RegistryTime.Format(latest)}.");
        }
    }
}
