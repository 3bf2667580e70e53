namespace ChipRegistry.Api.Webhooks;

/// <summary>
/// Webhook delivery settings, section <c>Registry:Webhooks</c> (docs/operations.md). The defaults are production's:
/// https only, public addresses only, a bounded answer time, retries for a day.
/// </summary>
public sealed class WebhookOptions
{
    public const string Section = "Registry:Webhooks";

    /// <summary>Accept http URLs to loopback hosts and connect to loopback addresses (tests and development).</summary>
    public bool AllowLoopback { get; set; }

    /// <summary>Accept and connect to private, link-local, shared and other non-public addresses (a closed network's own receivers).</summary>
    public bool AllowPrivateAddresses { get; set; }

    /// <summary>How long one attempt may take, connecting and waiting for the answer's headers.</summary>
    public TimeSpan Timeout { get; set; } = TimeSpan.FromSeconds(10);

    /// <summary>Retries within one round, at once after a failed attempt (Polly: exponential, jittered, from <see cref="ImmediateRetryDelay"/>).</summary>
    public int ImmediateRetries { get; set; } = 2;

    public TimeSpan ImmediateRetryDelay { get; set; } = TimeSpan.FromSeconds(1);

    /// <summary>The wait before the second round; each later round waits twice as long, up to <see cref="MaxRetryDelay"/>, jittered.</summary>
    public TimeSpan RetryDelay { get; set; } = TimeSpan.FromSeconds(30);

    public TimeSpan MaxRetryDelay { get; set; } = TimeSpan.FromHours(1);

    /// <summary>A delivery still failing this long after its first attempt is dead (redeliver it through the API).</summary>
    public TimeSpan DeadAfter { get; set; } = TimeSpan.FromDays(1);

    /// <summary>How often an idle dispatcher looks for due deliveries.</summary>
    public TimeSpan PollInterval { get; set; } = TimeSpan.FromSeconds(5);

    /// <summary>Run the dispatcher as a hosted service (tests switch it off and drive <see cref="WebhookDispatcher.RunOnceAsync"/>).</summary>
    public bool DispatchInBackground { get; set; } = true;
}
