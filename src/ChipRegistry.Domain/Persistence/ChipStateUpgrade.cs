using ChipRegistry.Domain.Chips;
using ChipRegistry.EventStore;
using Npgsql;

namespace ChipRegistry.Domain.Persistence;

/// <summary>
/// Rows of <c>chip_state</c> written before it kept the folded state (migration 0002) carry their history and no
/// state: this folds each such chip's stream once, writes its state and its party periods, and clears the history.
/// Safe to run from several hosts at once (rows are claimed with <c>skip locked</c>) and a no-op once done.
/// </summary>
public static class ChipStateUpgrade
{
    private const int BatchSize = 200;

    /// <summary>Upgrades every legacy row; returns how many it upgraded.</summary>
    public static async Task<int> RunAsync(NpgsqlDataSource dataSource, IEventStore store, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(dataSource);
        ArgumentNullException.ThrowIfNull(store);
        var schema = store.Schema.Quoted;
        var upgraded = 0;
        while (true)
        {
            await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
            await using var transaction = await connection.BeginTransactionAsync(cancellationToken);
            var keys = new List<string>();
            await using (var claim = new NpgsqlCommand($"select chip_id from {schema}.chip_state where history is not null order by chip_id limit {BatchSize} for update skip locked", connection, transaction))
            await using (var reader = await claim.ExecuteReaderAsync(cancellationToken))
            {
                while (await reader.ReadAsync(cancellationToken)) keys.Add(reader.GetString(0));
            }
            if (keys.Count == 0) return upgraded;
            var parties = new PartyPeriodChanges();
            foreach (var key in keys)
            {
                var events = (await store.ReadStreamAsync(key, 1, null, cancellationToken)).Select(e => e.Data).OfType<IChipEvent>().ToList();
                var history = ChipHistory.Initial(events.Count == 0 ? key : events[0].ChipId);
                foreach (var e in events)
                {
                    var next = history.Evolve(e);
                    parties.Step(key, history.State, next.State);
                    history = next;
                }
                await using var update = new NpgsqlCommand($"update {schema}.chip_state set state = $2::jsonb, history = null where chip_id = $1", connection, transaction);
                update.Parameters.Add(new NpgsqlParameter<string> { TypedValue = key });
                update.Parameters.Add(new NpgsqlParameter<string> { TypedValue = ChipStateJson.Write(history.State) });
                await update.ExecuteNonQueryAsync(cancellationToken);
            }
            await parties.WriteAsync(connection, transaction, store.Schema, cancellationToken);
            await transaction.CommitAsync(cancellationToken);
            upgraded += keys.Count;
        }
    }
}
