using ChipRegistry.Api.Tests.Chips.Reads;
using ChipRegistry.Domain.Common;
using ChipRegistry.Domain.Organisations;

namespace ChipRegistry.Api.Tests.Authorization.Arrangements;

/// <summary>
/// A fresh chip per call: with the relation, made by the calling manufacturer or offered to the caller (a named
/// buyer is a party); without it, made and kept by another manufacturer and offered to no one.
/// </summary>
public sealed class ChipReadArrangements(ApiFixture host) : IMatrixArrangement
{
    private const string OtherManufacturer = "matrix-chip-maker";

    public IReadOnlyCollection<string> Endpoints { get; } = ["GET /api/v1/chips/{chipId}", "GET /api/v1/chips/{chipId}/history", "GET /api/v1/chips/{chipId}/placements", "GET /api/v1/chips/{chipId}/custody"];

    public async Task<ArrangedCall> ArrangeAsync(string endpoint, MatrixCaller caller, bool related)
    {
        string chipId;
        if (related && caller.Role == "manufacturer")
        {
            chipId = await ChipArrange.RegisterOneAsync(host, caller.OrganisationId);
        }
        else
        {
            chipId = await ChipArrange.RegisterOneAsync(host, OtherManufacturer);
            if (related)
            {
                await ChipArrange.OfferAsync(host, chipId, new Actor(OtherManufacturer, OrganisationKind.Manufacturer), caller.OrganisationId);
            }
        }
        return new ArrangedCall(endpoint.Replace("GET ", "", StringComparison.Ordinal).Replace("{chipId}", chipId, StringComparison.Ordinal));
    }
}
