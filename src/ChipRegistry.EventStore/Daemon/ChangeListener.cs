using Microsoft.Extensions.Logging;
using Npgsql;

namespace ChipRegistry.EventStore;

/// <summary>
/// LISTENs on the schema's channel on a dedicated connection and sets a signal per notification.
/// When the connection fails it reconnects after a pause; the daemon's polling covers the gap,
/// and a reconnect also sets the signal in case a notification was missed.
/// </summary>
internal sealed class ChangeListener(StoreContext context, AsyncSignal signal, TimeSpan retryDelay, ILogger logger)
{
    public async Task RunAsync(CancellationToken cancellationToken)
    {
        while (!cancellationToken.IsCancellationRequested)
        {
            try
            {
                await using var connection = await DedicatedConnection.OpenAsync(context.DataSource, cancellationToken);
                connection.Notification += (_, _) => signal.Set();
                await using (var listen = new NpgsqlCommand($"listen \"{context.Channel}\"", connection))
                {
                    await listen.ExecuteNonQueryAsync(cancellationToken);
                }
                signal.Set();
                while (true)
                {
                    await connection.WaitAsync(cancellationToken);
                }
            }
            catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
            {
                return;
            }
            catch (Exception e)
            {
                logger.LogWarning(e, "Listening on {Channel} failed; polling until it reconnects.", context.Channel);
            }
            try
            {
                await Task.Delay(retryDelay, cancellationToken);
            }
            catch (OperationCanceledException)
            {
                return;
            }
        }
    }
}
