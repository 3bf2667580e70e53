using ChipRegistry.Domain;
using ChipRegistry.Domain.Catalog;
using ChipRegistry.Domain.Chips;
using ChipRegistry.Domain.Common;
using ChipRegistry.Domain.Detection.Clock;
using ChipRegistry.Domain.Detection.Thresholds;
using ChipRegistry.Domain.Facilities;
using ChipRegistry.Domain.Licences;
using ChipRegistry.Domain.Organisations;
using ChipRegistry.Domain.Persistence;
using NodaTime;

namespace ChipRegistry.World.Sinks;

/// <summary>
/// The world straight into a registry's store, through the domain's handlers (the ones the API calls). With
/// <paramref name="ticks"/> it also moves the store's detection clock as the world's time goes on (the registry admin's
/// ticks, as the API's manual clock takes them), so the deadline rules judge the world; without, its worlds never tick.
/// </summary>
public sealed class PipelineSink(CommandPipeline commands, bool ticks = false) : IWorldSink
{
    public async Task<WorldOutcome> SendAsync(object command, CancellationToken cancellationToken) => Outcome(command switch
    {
        RegisterOrganisation c => await commands.HandleAsync(c, cancellationToken: cancellationToken),
        ChangeOrganisationParent c => await commands.HandleAsync(c, cancellationToken: cancellationToken),
        RegisterAcceleratorModel c => await commands.HandleAsync(c, cancellationToken: cancellationToken),
        ReviseAcceleratorSpec c => await commands.HandleAsync(c, cancellationToken: cancellationToken),
        RecordSpecFinding c => await commands.HandleAsync(c, cancellationToken: cancellationToken),
        RegisterFacility c => await commands.HandleAsync(c, cancellationToken: cancellationToken),
        RegisterCluster c => await commands.HandleAsync(c, cancellationToken: cancellationToken),
        DeclareFacilityPower c => await commands.HandleAsync(c, cancellationToken: cancellationToken),
        GrantLicence c => await commands.HandleAsync(c, cancellationToken: cancellationToken),
        FileExportNotification c => await commands.HandleAsync(c, cancellationToken: cancellationToken),
        IChipCommand c => await commands.HandleAsync(c, cancellationToken: cancellationToken),
        ChangeThreshold c => await commands.HandleAsync(c, cancellationToken: cancellationToken),
        _ => throw new ArgumentException($"the world issues no {command.GetType().Name}", nameof(command)),
    });

    public async Task<WorldOutcome> SendBatchAsync(IReadOnlyList<IChipCommand> batch, CancellationToken cancellationToken) =>
        Outcome(await commands.HandleBatchAsync(batch, cancellationToken: cancellationToken));

    public async Task<WorldOutcome> RegisterLotAsync(RegisterChipLot lot, IReadOnlyList<string> chipIds, CancellationToken cancellationToken) =>
        Outcome(await commands.RegisterLotAsync(lot, chipIds, cancellationToken: cancellationToken));

    public async Task<WorldOutcome> SeedCatalogAsync(Actor registry, Instant at, CancellationToken cancellationToken)
    {
        var seeded = await commands.SeedCatalogAsync(vendor => vendor.ToLowerInvariant(), registry, at, cancellationToken);
        return new WorldOutcome(null, [.. seeded.Select(_ => DomainEventNames.ByType[typeof(AcceleratorModelRegistered)])]);
    }

    public async Task<bool> TickAsync(Instant at, CancellationToken cancellationToken)
    {
        if (!ticks) return false;
        var result = await commands.TickAsync(new TickClock(at, BuiltInOrganisations.RegistryAdmin), cancellationToken: cancellationToken);
        if (result.Error is { } error) throw new WorldRefusedException($"the tick at {at}", error);
        return true;
    }

    public async Task<AcceleratorModel?> LoadModelAsync(string modelId, CancellationToken cancellationToken) =>
        (await commands.Reads.LoadModelAsync(modelId, cancellationToken)).State;

    public async Task<Facility?> LoadFacilityAsync(string facilityId, CancellationToken cancellationToken) =>
        (await commands.Reads.LoadFacilityAsync(facilityId, cancellationToken)).State;

    public Task<OrganisationDirectory> LoadOrganisationDirectoryAsync(CancellationToken cancellationToken) =>
        commands.Reads.LoadOrganisationDirectoryAsync(cancellationToken);

    public async Task<Licence?> LoadLicenceAsync(string licenceId, CancellationToken cancellationToken) =>
        (await commands.Reads.LoadLicenceAsync(licenceId, cancellationToken)).State;

    public async Task<ExportNotification?> LoadNotificationAsync(string notificationId, CancellationToken cancellationToken) =>
        (await commands.Reads.LoadNotificationAsync(notificationId, cancellationToken)).State;

    public Task<int> CountShippedUnderLicenceAsync(string authorisationNumber, CancellationToken cancellationToken) =>
        commands.Reads.CountShippedUnderLicenceAsync(authorisationNumber, cancellationToken);

    private static WorldOutcome Outcome(CommandResult result) =>
        !result.IsAccepted ? new WorldOutcome(result.Error, [])
        : result.Bulk is { } bulk ? new WorldOutcome(null, [], bulk.EventCount)
        : new WorldOutcome(null, [.. result.Events.Select(e => DomainEventNames.ByType[e.GetType()])]);
}
