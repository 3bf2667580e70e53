using ChipRegistry.Domain.Common;

namespace ChipRegistry.Domain.Persistence;

/// <summary>
/// How domain streams are keyed in the event store. A chip's stream key is its registry id itself
/// (<c>nvidia:1652223004561</c>, design.md "Streams"); every other stream is <c>{category}/{id}</c>, so an
/// organisation and a facility of the same id never share a stream. Registry chip ids carry no '/', so a chip
/// key never collides with another category's key. The stream type column holds the category.
/// </summary>
public static class StreamKeys
{
    public const string ChipType = "chip";
    public const string AssemblyType = "assembly";
    public const string OrganisationType = "organisation";
    public const string FacilityType = "facility";
    public const string LicenceType = "licence";
    public const string NotificationType = "notification";
    public const string ModelType = "model";
    public const string ClockType = "clock";
    public const string ThresholdType = "threshold";
    public const string LandmarkType = "landmark";
    public const string FlagType = "flag";
    public const string Gs1PrefixType = "gs1_prefix";
    public const string GtinType = "gtin";

    /// <summary>Observations of a serial no manufacturer has registered (yet): kept apart from the chip's own stream.</summary>
    public const string UnregisteredSightingsType = "unregistered_sightings";

    public static string Chip(string chipId)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(chipId);
        return chipId.Contains('/', StringComparison.Ordinal)
            ? throw new ArgumentException($"chip id '{chipId}' contains '/', which only other stream categories use", nameof(chipId))
            : chipId;
    }

    /// <summary>Whether a stream key is a chip's own stream: every other category's key carries '/'.</summary>
    public static bool IsChip(string streamKey) => !streamKey.Contains('/', StringComparison.Ordinal);

    public static string Assembly(string assemblyId) => Key(AssemblyType, assemblyId);

    public static string Organisation(string organisationId) => Key(OrganisationType, organisationId);

    public static string Facility(string facilityId) => Key(FacilityType, facilityId);

    public static string Licence(string licenceId) => Key(LicenceType, licenceId);

    public static string Notification(string notificationId) => Key(NotificationType, notificationId);

    public static string Model(string modelId) => Key(ModelType, modelId);

    /// <summary>The registry's one clock: every tick in one stream, so ticks are totally ordered by version.</summary>
    public static string Clock { get; } = Key(ClockType, "registry");

    public static string Threshold(string name) => Key(ThresholdType, name);

    public static string Landmark(string landmarkId) => Key(LandmarkType, landmarkId);
    /// <summary>A detection flag's reviews: kept apart from every rule's tables, so they outlive a rule's rebuild.</summary>
    public static string Flag(string flagId) => Key(FlagType, flagId);

    public static string Gs1Prefix(string companyPrefix) => Key(Gs1PrefixType, companyPrefix);

    public static string Gtin(string gtin) => Key(GtinType, gtin);

    public static string UnregisteredSightings(string chipId) => Key(UnregisteredSightingsType, chipId);

    /// <summary>The store key of a domain <see cref="StreamId"/> (chip or assembly, as multi-stream decisions name them).</summary>
    public static string For(StreamId stream)
    {
        ArgumentNullException.ThrowIfNull(stream);
        return stream.Category == ChipType ? Chip(stream.Id) : Key(stream.Category, stream.Id);
    }

    /// <summary>What every key of a category starts with, for SQL that builds keys from ids.</summary>
    public static string PrefixOf(string category) => $"{category}/";

    private static string Key(string category, string id)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(id);
        return PrefixOf(category) + id;
    }
}
