using ChipRegistry.Domain.Facilities;

namespace ChipRegistry.Api.Facilities;

public sealed record ClusterResponse(string ClusterId, string Name);

public sealed record FacilityResponse(
    string FacilityId, string OperatorId, string Name, string Country, decimal Latitude, decimal Longitude, decimal DeclaredPowerMw,
    IReadOnlyList<ClusterResponse> Clusters)
{
    public static FacilityResponse From(Facility facility) => new(
        facility.Id, facility.OperatorId, facility.Name, facility.Country, facility.Latitude, facility.Longitude, facility.DeclaredPowerMw,
        [.. facility.Clusters.Select(c => new ClusterResponse(c.ClusterId, c.Name))]);

    public static readonly FacilityResponse Example = new(
        "colossus-memphis", "op-colossus", "Colossus, Memphis", "US", 35.0613m, -90.1543m, 300m, [new ClusterResponse("hall-a", "Hall A")]);
}
