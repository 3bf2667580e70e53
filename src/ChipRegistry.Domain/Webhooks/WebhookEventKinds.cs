using ChipRegistry.Domain.Detection.Flags;

namespace ChipRegistry.Domain.Webhooks;

/// <summary>What a webhook tells: a flag opened, closed, was withdrawn, or was escalated by an agency's review.</summary>
public static class WebhookEventKinds
{
    public const string Opened = "opened";
    public const string Closed = "closed";
    public const string Withdrawn = "withdrawn";
    public const string Escalated = "escalated";

    public static IReadOnlyList<string> All { get; } = [Opened, Closed, Withdrawn, Escalated];

    /// <summary>The kind a flag's status stands for: the one notification a rule's write can raise for it.</summary>
    public static string OfStatus(Flag flag)
    {
        ArgumentNullException.ThrowIfNull(flag);
        return flag.Withdrawn ? Withdrawn : flag.ClosedAt is null ? Opened : Closed;
    }
}
