namespace ChipRegistry.Domain.Detection.Landmarks;

/// <summary>
/// Distances over the Earth's surface (haversine on the mean radius): what light in fibre or a chip carried by hand
/// must at least cover between two points. The spherical model errs by under 0.5%, far inside the bounds it is
/// compared with.
/// </summary>
public static class GreatCircle
{
    public const double EarthRadiusKm = 6371.0088;

    /// <summary>Light in fibre covers about this many km per ms of one-way time.</summary>
    public const decimal FibreKmPerMs = 200m;

    public static decimal DistanceKm(decimal latitude1, decimal longitude1, decimal latitude2, decimal longitude2)
    {
        var (from, to) = (Radians(latitude1), Radians(latitude2));
        var (northing, easting) = (to - from, Radians(longitude2) - Radians(longitude1));
        var h = Math.Pow(Math.Sin(northing / 2), 2) + (Math.Cos(from) * Math.Cos(to) * Math.Pow(Math.Sin(easting / 2), 2));
        return (decimal)(2 * EarthRadiusKm * Math.Asin(Math.Min(1, Math.Sqrt(h))));
    }

    /// <summary>The farthest a chip answering in <paramref name="roundTripMs"/> can be from who measured it: RTT/2 x 200 km.</summary>
    public static decimal BoundKm(decimal roundTripMs) => roundTripMs / 2m * FibreKmPerMs;

    private static double Radians(decimal degrees) => (double)degrees * Math.PI / 180;
}
