namespace ChipRegistry.Api.Tests.Authorization.Arrangements;

/// <summary>Concentration by facility: no relation to arrange (an operator's answer is filtered to its own facilities, never refused).</summary>
public sealed class ConcentrationArrangement(ApiFixture host) : IMatrixArrangement
{
    public IReadOnlyCollection<string> Endpoints { get; } = ["GET /api/v1/concentration/{grouping}"];

    public Task<ArrangedCall> ArrangeAsync(string endpoint, MatrixCaller caller, bool related)
    {
        _ = host;
        return Task.FromResult(new ArrangedCall("/api/v1/concentration/facility"));
    }
}
