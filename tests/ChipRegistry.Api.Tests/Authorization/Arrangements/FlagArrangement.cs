using ChipRegistry.Api.Tests.Flags;

namespace ChipRegistry.Api.Tests.Authorization.Arrangements;

/// <summary>Flags have no relation: agencies and the admin read every flag, no other role any; the calls name a real flag.</summary>
public sealed class FlagArrangement(ApiFixture host) : IMatrixArrangement
{
    public IReadOnlyCollection<string> Endpoints { get; } =
    [
        "GET /api/v1/flags",
        "GET /api/v1/flags/{flagId}",
        "POST /api/v1/flags/{flagId}/reviews",
        "GET /api/v1/chips/{chipId}/flags",
        "GET /api/v1/organisations/{organisationId}/flags",
        "GET /api/v1/licence-check-failures",
    ];

    public async Task<ArrangedCall> ArrangeAsync(string endpoint, MatrixCaller caller, bool related)
    {
        var flag = await FlagArrange.SharedAsync(host);
        return endpoint switch
        {
            "GET /api/v1/flags" => new ArrangedCall("/api/v1/flags?rule=16"),
            "GET /api/v1/flags/{flagId}" => new ArrangedCall($"/api/v1/flags/{flag.FlagId}"),
            "POST /api/v1/flags/{flagId}/reviews" => new ArrangedCall($"/api/v1/flags/{flag.FlagId}/reviews", new { action = "acknowledge", reason = "matrix" }),
            "GET /api/v1/chips/{chipId}/flags" => new ArrangedCall($"/api/v1/chips/{flag.ChipId}/flags"),
            "GET /api/v1/licence-check-failures" => new ArrangedCall($"/api/v1/licence-check-failures?chipId={flag.ChipId}"),
            _ => new ArrangedCall($"/api/v1/organisations/{flag.ShipperId}/flags"),
        };
    }
}
