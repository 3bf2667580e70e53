using ChipRegistry.Domain.Catalog;
using ChipRegistry.Domain.Chips;
using ChipRegistry.Domain.Common;
using ChipRegistry.Domain.Persistence;
using ChipRegistry.Domain.Tests.Chips;
using FsCheck;
using FsCheck.Fluent;
using FsCheck.Xunit;

namespace ChipRegistry.Domain.Tests.Persistence;

/// <summary>
/// The chip lifecycle run through the handlers against PostgreSQL: the inline chip-state row always equals a fresh
/// fold of the stream read back from the database, and a rejected command appends nothing.
/// </summary>
public sealed class ChipStateThroughStoreTests(GeneratedSequencesFixture fixture) : IClassFixture<GeneratedSequencesFixture>
{
    /// <summary>Cases of the generated-sequence property; the last one also checks what all of them exercised.</summary>
    private const int SequenceCases = 30;

    private static CancellationToken Cancel => TestContext.Current.CancellationToken;

    private static readonly Type[] CommandTypes = typeof(IChipCommand).Assembly.GetTypes()
        .Where(t => t is { IsClass: true, IsAbstract: false } && typeof(IChipCommand).IsAssignableFrom(t)).OrderBy(t => t.Name).ToArray();

    private static readonly Actor?[] Voices = [null, null, null, ChipWorld.Stranger, ChipWorld.Bis, ChipWorld.Mfr, ChipWorld.Op, ChipWorld.Buyer];

    /// <summary>
    /// A step number picks the command: one in five is a void of an earlier event (by its recorder, an agency or
    /// someone else), the others a command type and who sends it (the rightful party or someone else).
    /// </summary>
    private static IChipCommand CommandFor(int step, ChipHistory state)
    {
        var n = Math.Abs(step);
        var rest = n / 5;
        var voice = Voices[rest / CommandTypes.Length % Voices.Length];
        if (n % 5 == 0 && state.Events.Count > 0)
        {
            var target = state.Events[rest % state.Events.Count];
            return new VoidChipEvent(ChipWorld.Id(), state.ChipId, target.EventId, "generated", voice ?? ChipWorld.ActorFor(target.RecordedBy), ChipWorld.Next());
        }
        return ChipWorld.Canonical(CommandTypes[rest % CommandTypes.Length], state, voice);
    }

    /// <summary>The row's columns and its folded history against a fresh fold of the stream read back from PostgreSQL.</summary>
    private static async Task AssertRowEqualsFreshFoldAsync(Registry registry, string chipId)
    {
        var fresh = await registry.Reads.FoldChipStreamAsync(chipId, cancellationToken: Cancel);
        var snapshot = await registry.Reads.LoadChipAsync(chipId, Cancel);
        Assert.Equal(fresh.Version, snapshot.Version);
        Assert.Equal(fresh.State, snapshot.State);

        var row = await registry.Reads.FindChipRowAsync(chipId, Cancel);
        Assert.NotNull(row);
        var s = fresh.State;
        Assert.Equal(
            new ChipStateRow(chipId, fresh.Version, row.LastSeqId, ChipStateProjection.StageName(s.Stage), s.ModelId, s.ManufacturerId, s.LotId, s.OwnerId,
                s.CustodianId, s.LocationCountry, s.Installation?.FacilityId, s.Installation?.ClusterId, s.AssemblyId, s.Hold is not null,
                s.Illegitimacy is not null, s.Observations, s.ConflictingObservations),
            row);
        var history = await registry.Reads.ReadChipHistoryAsync(chipId, cancellationToken: Cancel);
        Assert.Equal(history[^1].SeqId, row.LastSeqId);
    }

    /// <summary>Step numbers drawn uniformly from a wide range, so every command type and voice turns up in small sequences.</summary>
    public static class Steps
    {
        public static Arbitrary<int[]> Sequences() => Gen.Choose(0, 1_000_000).ArrayOf().ToArbitrary();
    }

    private async Task RunSequenceAsync(Registry registry, int[] steps)
    {
        var chipId = $"prop:{Guid.NewGuid():N}";
        var registered = await registry.Commands.HandleAsync(
            new RegisterChip(ChipWorld.Id(), chipId, CatalogSeed.H100Sxm.ModelId, "lot-p", "TW", ChipWorld.Mfr, ChipWorld.Next()), cancellationToken: Cancel);
        Assert.True(registered.IsAccepted, registered.Error?.ToString());

        // Up to 30 steps a case: with about twenty command types and eight voices, fewer left some cases of a run (a hold
        // by an agency, say) to chance often enough to fail the coverage check now and then.
        foreach (var step in steps.Take(30))
        {
            var before = await registry.Reads.LoadChipAsync(chipId, Cancel);
            var stream = await registry.Reads.ReadChipHistoryAsync(chipId, cancellationToken: Cancel);
            var history = ChipHistory.Fold(chipId, stream.Select(e => e.Data).OfType<IChipEvent>());
            Assert.Equal(history.State, before.State);
            var command = CommandFor(step, history);
            var result = await registry.Commands.HandleAsync(command, cancellationToken: Cancel);
            var version = await registry.Store.FetchStreamVersionAsync(chipId, Cancel);
            Interlocked.Increment(ref result.IsAccepted ? ref fixture.Accepted : ref fixture.Rejected);
            fixture.Outcomes.AddOrUpdate($"{command.GetType().Name} by {command.Actor.OrganisationId}: {(result.IsAccepted ? "accepted" : result.Error!.Code)}", 1, (_, n) => n + 1);
            if (result.IsAccepted)
            {
                Assert.NotEmpty(result.Events);
                Assert.Equal(before.Version + result.Events.Count, version);
                Assert.Equal(version, result.VersionOf(chipId));
            }
            else
            {
                Assert.Empty(result.Events);
                Assert.Equal(before.Version, version);
            }
            await AssertRowEqualsFreshFoldAsync(registry, chipId);

            if (result.IsAccepted && command is VoidChipEvent && history.Find(((VoidChipEvent)command).TargetEventId) is ChipSaleAccepted sale)
            {
                var row = await registry.Reads.FindChipRowAsync(chipId, Cancel);
                var fresh = await registry.Reads.FoldChipStreamAsync(chipId, cancellationToken: Cancel);
                Assert.Equal(sale.SellerId, row!.OwnerId);
                Assert.Equal(sale.SellerId, fresh.State.OwnerId);
            }
        }
    }

    [Property(MaxTest = SequenceCases, Arbitrary = [typeof(Steps)])]
    public async Task generated_command_sequences_keep_the_chip_state_row_equal_to_a_fresh_fold_and_rejections_append_nothing(int[] steps)
    {
        // every case runs on the fixture's one registry, as the cases of one run always did
        var registry = fixture.Sequences;
        await RunSequenceAsync(registry, steps);
        if (Interlocked.Increment(ref fixture.Cases) != SequenceCases)
        {
            return;
        }

        // the last case of a passing run: the sequences really exercised both outcomes, voids and observations
        var types = await registry.ScalarAsync<string[]>($"select array_agg(distinct type) from {registry.Table("events")}");
        Assert.True(fixture.Accepted > 50 && fixture.Rejected > 50, $"{fixture.Accepted} accepted, {fixture.Rejected} rejected");
        Assert.True(types.Length >= 10, string.Join(", ", types));
        Assert.Contains("chip_event_voided", types);
        Assert.Contains("chip_observed", types);
        Assert.True(types.Contains("chip_hold_placed"), "no hold was placed; outcomes: " + string.Join("; ", fixture.Outcomes.OrderBy(o => o.Key, StringComparer.Ordinal).Select(o => $"{o.Key} x{o.Value}")));
    }

    [Fact]
    public async Task voiding_an_accepted_sale_restores_the_previous_owner_in_the_row_and_in_a_fresh_fold()
    {
        var registry = await fixture.StartAsync();
        var chipId = "nvidia:void-sale";
        var commands = registry.Commands;
        (await commands.HandleAsync(new RegisterChip(ChipWorld.Id(), chipId, CatalogSeed.H100Sxm.ModelId, "lot-v", "TW", ChipWorld.Mfr, ChipWorld.Next()), cancellationToken: Cancel)).EnsureAccepted();
        (await commands.HandleAsync(new OfferChipSale(ChipWorld.Id(), chipId, "buyer", ChipWorld.Mfr, ChipWorld.Next()), cancellationToken: Cancel)).EnsureAccepted();
        var accepted = (await commands.HandleAsync(new AcceptChipSale(ChipWorld.Id(), chipId, ChipWorld.Buyer, ChipWorld.Next()), cancellationToken: Cancel)).EnsureAccepted();
        Assert.Equal("buyer", (await registry.Reads.FindChipRowAsync(chipId, Cancel))!.OwnerId);

        var saleEventId = ((ChipSaleAccepted)accepted.Events[0]).EventId;
        (await commands.HandleAsync(new VoidChipEvent(ChipWorld.Id(), chipId, saleEventId, "keyed in error", ChipWorld.Buyer, ChipWorld.Next()), cancellationToken: Cancel)).EnsureAccepted();

        Assert.Equal("mfr", (await registry.Reads.FindChipRowAsync(chipId, Cancel))!.OwnerId);
        Assert.Equal("mfr", (await registry.Reads.FoldChipStreamAsync(chipId, cancellationToken: Cancel)).State.OwnerId);
        await AssertRowEqualsFreshFoldAsync(registry, chipId);
    }

    [Fact]
    public async Task a_held_chip_refuses_its_custodian_and_the_refusal_appends_nothing()
    {
        var registry = await fixture.StartAsync();
        var chipId = "nvidia:held";
        var commands = registry.Commands;
        (await commands.HandleAsync(new RegisterChip(ChipWorld.Id(), chipId, CatalogSeed.H100Sxm.ModelId, "lot-h", "TW", ChipWorld.Mfr, ChipWorld.Next()), cancellationToken: Cancel)).EnsureAccepted();
        (await commands.HandleAsync(new PlaceChipHold(ChipWorld.Id(), chipId, "investigation", ChipWorld.Bis, ChipWorld.Next()), cancellationToken: Cancel)).EnsureAccepted();

        var refused = await commands.HandleAsync(new OfferChipSale(ChipWorld.Id(), chipId, "buyer", ChipWorld.Mfr, ChipWorld.Next()), cancellationToken: Cancel);

        Assert.Equal(ChipErrors.ChipOnHold, refused.Error?.Code);
        Assert.Equal(2, await registry.Store.FetchStreamVersionAsync(chipId, Cancel));
        var thrown = Assert.Throws<DomainRejectedException>(() => refused.EnsureAccepted());
        Assert.Equal(ChipErrors.ChipOnHold, thrown.Error.Code);
    }

    [Fact]
    public async Task concurrent_reports_on_one_chip_all_land_and_the_row_still_equals_a_fresh_fold()
    {
        var registry = await fixture.StartAsync();
        var chipId = "nvidia:busy";
        (await registry.Commands.HandleAsync(new RegisterChip(ChipWorld.Id(), chipId, CatalogSeed.H100Sxm.ModelId, "lot-b", "TW", ChipWorld.Mfr, ChipWorld.Next()), cancellationToken: Cancel)).EnsureAccepted();

        var results = await Task.WhenAll(Enumerable.Range(0, 2).Select(i => Task.Run(() => registry.Commands.HandleAsync(
            new ReportChipObservation(ChipWorld.Id(), chipId, "sighting", null, "SG", $"seen {i}", ChipWorld.Stranger, ChipWorld.Next()), cancellationToken: Cancel), Cancel)));

        Assert.All(results, r => Assert.True(r.IsAccepted));
        Assert.Equal(3, await registry.Store.FetchStreamVersionAsync(chipId, Cancel));
        Assert.Equal(2, (await registry.Reads.FindChipRowAsync(chipId, Cancel))!.Observations);
        await AssertRowEqualsFreshFoldAsync(registry, chipId);
    }
}
