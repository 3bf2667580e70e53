using ChipRegistry.Domain.Catalog;
using ChipRegistry.Domain.Chips;
using ChipRegistry.Domain.Common;
using ChipRegistry.Domain.Facilities;
using ChipRegistry.Domain.Licences;
using ChipRegistry.Domain.Organisations;
using NodaTime;

namespace ChipRegistry.World.Sinks;

/// <summary>
/// What one command of the world came to: refused (the error) or accepted, with the stored type of every event it
/// appended (a lot's fabrications counted, not listed: <see cref="BulkFabrications"/>).
/// </summary>
public sealed record WorldOutcome(DomainError? Error, IReadOnlyList<string> EventTypes, long BulkFabrications = 0)
{
    public static WorldOutcome Nothing { get; } = new(null, []);

    public bool IsAccepted => Error is null;
}

/// <summary>
/// Where a world's commands go, and what the world reads back while it generates: the domain's
/// <c>CommandPipeline</c> (<see cref="PipelineSink"/>: the tests and the benchmark) or a registry's HTTP API
/// (<c>chipreg seed</c>). The world issues the same commands in the same order to either.
/// </summary>
public interface IWorldSink
{
    /// <summary>
    /// One command: an organisation's registration or parent, a catalog or facility act, a licence or notification,
    /// a detection threshold change, or one chip act (<see cref="IChipCommand"/>) that is not sent in a batch (voids, holds, observations).
    /// </summary>
    Task<WorldOutcome> SendAsync(object command, CancellationToken cancellationToken);

    /// <summary>One act on many chips, all or nothing (each chip once).</summary>
    Task<WorldOutcome> SendBatchAsync(IReadOnlyList<IChipCommand> batch, CancellationToken cancellationToken);

    Task<WorldOutcome> RegisterLotAsync(RegisterChipLot lot, IReadOnlyList<string> chipIds, CancellationToken cancellationToken);

    /// <summary>The catalog of domain.md section 2, each model under its vendor as manufacturer, at <paramref name="at"/>.</summary>
    Task<WorldOutcome> SeedCatalogAsync(Actor registry, Instant at, CancellationToken cancellationToken);

    /// <summary>
    /// The world's time has reached <paramref name="at"/>: a registry whose detection clock is driven by hand ticks
    /// there (never backwards) and answers true; a sink without such a clock does nothing and answers false.
    /// </summary>
    Task<bool> TickAsync(Instant at, CancellationToken cancellationToken);

    Task<AcceleratorModel?> LoadModelAsync(string modelId, CancellationToken cancellationToken);

    Task<Facility?> LoadFacilityAsync(string facilityId, CancellationToken cancellationToken);

    Task<OrganisationDirectory> LoadOrganisationDirectoryAsync(CancellationToken cancellationToken);

    Task<Licence?> LoadLicenceAsync(string licenceId, CancellationToken cancellationToken);

    Task<ExportNotification?> LoadNotificationAsync(string notificationId, CancellationToken cancellationToken);

    Task<int> CountShippedUnderLicenceAsync(string authorisationNumber, CancellationToken cancellationToken);
}
