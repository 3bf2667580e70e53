using ChipRegistry.Domain.Catalog;
using ChipRegistry.Domain.Chips;
using ChipRegistry.Domain.Persistence;
using ChipRegistry.Domain.Tests.Chips;
using ChipRegistry.EventStore;

namespace ChipRegistry.Domain.Tests.Persistence;

/// <summary>
/// Handlers reload and decide again when another writer got in between their load and their append. The other
/// writer is real: a decorator over the real store appends a competing observation just before the handler's
/// append reaches PostgreSQL, so the conflict happens at a known point, without timing.
/// </summary>
public sealed class RetryTests(RegistryStoreFixture fixture) : IClassFixture<RegistryStoreFixture>
{
    private static CancellationToken Cancel => TestContext.Current.CancellationToken;

    /// <summary>Forwards everything to the real store; before each of the first <c>interruptions</c> single-stream appends, a stranger reports on that chip.</summary>
    private sealed class InterruptedStore(IEventStore inner, int interruptions) : IEventStore
    {
        public int Interrupted { get; private set; }

        public SchemaName Schema => inner.Schema;

        public string NotificationChannel => inner.NotificationChannel;

        public Task<bool> IsSchemaCurrentAsync(CancellationToken cancellationToken = default) => inner.IsSchemaCurrentAsync(cancellationToken);

        public Task<IReadOnlyList<string>> ListStreamKeysAsync(string streamType, string? afterKey, int limit, CancellationToken cancellationToken = default) =>
            inner.ListStreamKeysAsync(streamType, afterKey, limit, cancellationToken);

        public async Task<AppendResult> AppendAsync(StreamAppend append, AppendMetadata metadata, CancellationToken cancellationToken = default)
        {
            if (Interrupted < interruptions)
            {
                Interrupted++;
                var observed = new ChipObserved(Guid.NewGuid(), append.StreamKey, "sighting", true, ConflictCodes.NotCustodian, null, "SG", null,
                    $"competing report {Interrupted}", "stranger", ChipWorld.Next());
                await inner.AppendAsync(new StreamAppend(append.StreamKey, ExpectedVersion.Any, new NewEvent(observed, observed.OccurredAt, observed.EventId)),
                    new AppendMetadata("stranger"), cancellationToken);
            }
            return await inner.AppendAsync(append, metadata, cancellationToken);
        }

        public Task<AppendResult> AppendAsync(IReadOnlyList<StreamAppend> appends, AppendMetadata metadata, CancellationToken cancellationToken = default) =>
            inner.AppendAsync(appends, metadata, cancellationToken);

        public Task<BulkAppendResult> StartStreamsAsync(string? streamType, IAsyncEnumerable<NewStream> streams, AppendMetadata metadata, CancellationToken cancellationToken = default) =>
            inner.StartStreamsAsync(streamType, streams, metadata, cancellationToken);

        public Task<BulkAppendResult> StartStreamsAsync(string? streamType, IEnumerable<NewStream> streams, AppendMetadata metadata, CancellationToken cancellationToken = default) =>
            inner.StartStreamsAsync(streamType, streams, metadata, cancellationToken);

        public Task<long> FetchStreamVersionAsync(string streamKey, CancellationToken cancellationToken = default) => inner.FetchStreamVersionAsync(streamKey, cancellationToken);

        public Task<IReadOnlyList<StoredEvent>> ReadStreamAsync(string streamKey, long fromVersion = 1, AsOf? asOf = null, CancellationToken cancellationToken = default) =>
            inner.ReadStreamAsync(streamKey, fromVersion, asOf, cancellationToken);

        public Task<StreamAggregate<TState>> AggregateStreamAsync<TState>(string streamKey, TState seed, Func<TState, object, TState> evolve, AsOf? asOf = null, CancellationToken cancellationToken = default) =>
            inner.AggregateStreamAsync(streamKey, seed, evolve, asOf, cancellationToken);

        public Task<StoredResponse?> FindResponseAsync(string organisation, string key, byte[] requestHash, CancellationToken cancellationToken = default) =>
            inner.FindResponseAsync(organisation, key, requestHash, cancellationToken);

        public Task SaveResponseAsync(string organisation, string key, byte[] requestHash, StoredResponse response, CancellationToken cancellationToken = default) =>
            inner.SaveResponseAsync(organisation, key, requestHash, response, cancellationToken);
    }

    private static async Task<(Registry Registry, string ChipId)> RegisteredChipAsync(RegistryStoreFixture fixture)
    {
        var registry = await fixture.StartAsync();
        var chipId = "nvidia:contested";
        (await registry.Commands.HandleAsync(new RegisterChip(ChipWorld.Id(), chipId, CatalogSeed.H100Sxm.ModelId, "lot-r", "TW", ChipWorld.Mfr, ChipWorld.Next()), cancellationToken: Cancel)).EnsureAccepted();
        return (registry, chipId);
    }

    [Fact]
    public async Task a_command_that_loses_a_version_race_is_decided_again_on_the_new_state_and_lands()
    {
        var (registry, chipId) = await RegisteredChipAsync(fixture);
        var interrupted = new InterruptedStore(registry.Store, interruptions: MaxAttemptsButOne);
        var commands = new CommandPipeline(new RegistryReads(interrupted, registry.DataSource));

        var offered = await commands.HandleAsync(new OfferChipSale(ChipWorld.Id(), chipId, "buyer", ChipWorld.Mfr, ChipWorld.Next()), cancellationToken: Cancel);

        Assert.True(offered.IsAccepted, offered.Error?.ToString());
        Assert.Equal(MaxAttemptsButOne, interrupted.Interrupted);
        var history = await registry.Reads.ReadChipHistoryAsync(chipId, cancellationToken: Cancel);
        Assert.Equal(2 + MaxAttemptsButOne, history.Count);
        Assert.IsType<ChipSaleOffered>(history[^1].Data);
        Assert.Equal(history.Count, offered.VersionOf(chipId));
        var row = await registry.Reads.FindChipRowAsync(chipId, Cancel);
        Assert.Equal((history.Count, MaxAttemptsButOne), ((int)row!.Version, row.ConflictingObservations));
    }

    private const int MaxAttemptsButOne = CommandPipeline.MaxAttempts - 1;

    [Fact]
    public async Task a_command_that_loses_every_attempt_surfaces_the_conflict_and_appends_nothing_of_its_own()
    {
        var (registry, chipId) = await RegisteredChipAsync(fixture);
        var interrupted = new InterruptedStore(registry.Store, interruptions: CommandPipeline.MaxAttempts);
        var commands = new CommandPipeline(new RegistryReads(interrupted, registry.DataSource));

        var conflict = await Assert.ThrowsAsync<StreamVersionConflictException>(() =>
            commands.HandleAsync(new OfferChipSale(ChipWorld.Id(), chipId, "buyer", ChipWorld.Mfr, ChipWorld.Next()), cancellationToken: Cancel));

        Assert.Equal(chipId, conflict.StreamKey);
        var history = await registry.Reads.ReadChipHistoryAsync(chipId, cancellationToken: Cancel);
        Assert.DoesNotContain(history, e => e.Data is ChipSaleOffered);
        Assert.Equal(1 + CommandPipeline.MaxAttempts, history.Count);
    }
}
