namespace ChipRegistry.Api.Tests.Authorization;

/// <summary>A caller of the matrix: a registered organisation of one role and its key.</summary>
public sealed record MatrixCaller(string Role, string OrganisationId, string Token);

/// <summary>One concrete request for a cell: the path with its parameters filled in, the body, extra headers.</summary>
public sealed record ArrangedCall(string Path, object? Body = null, IReadOnlyDictionary<string, string>? Headers = null);

/// <summary>
/// Builds the world a matrix cell needs, per endpoint: with the relation (the caller owns, holds, operates or is
/// named on a fresh target) or without it (a fresh target of the same shape that belongs to someone else).
/// Every call makes its own targets, so one cell's write never disturbs another's. Implementations are found
/// by reflection and take the shared <see cref="ApiFixture"/> in their constructor.
/// </summary>
public interface IMatrixArrangement
{
    /// <summary>The endpoints arranged here, as "METHOD /path/{param}" exactly as docs/authorization.md names them.</summary>
    IReadOnlyCollection<string> Endpoints { get; }

    Task<ArrangedCall> ArrangeAsync(string endpoint, MatrixCaller caller, bool related);
}
