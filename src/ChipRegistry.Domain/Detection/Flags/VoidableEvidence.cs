namespace ChipRegistry.Domain.Detection.Flags;

/// <summary>A fact a rule judges that a void can take back: where it stands in the log, and whether it was voided.</summary>
public interface IVoidableFact
{
    long SeqId { get; }

    string ChipId { get; }

    bool Voided { get; }
}

/// <summary>
/// How a rule whose flag stands on acts a void can take back reads its group: the first act (the flag's id and its
/// sentence), the acts still standing in log order, and the acts its severity and evidence rest on (the standing
/// ones, or every one once all are voided, so a withdrawn flag keeps the evidence it was withdrawn from).
/// </summary>
public sealed record VoidableEvidence<T>(T First, IReadOnlyList<T> Live, IReadOnlyList<T> Behind)
    where T : IVoidableFact
{
    /// <summary>True when every act of the group was voided: the flag is withdrawn.</summary>
    public bool Withdrawn => Live.Count == 0;

    /// <summary>The chips of the acts behind the flag, once each, in order.</summary>
    public string[] Chips => [.. Behind.Select(f => f.ChipId).Distinct(StringComparer.Ordinal).Order(StringComparer.Ordinal)];

    /// <summary>The group's evidence; null for a group with no act left (the caller withdraws its existing flag).</summary>
    public static VoidableEvidence<T>? Of(IReadOnlyList<T> group)
    {
        ArgumentNullException.ThrowIfNull(group);
        if (group.Count == 0) return null;
        var ordered = group.OrderBy(f => f.SeqId).ToList();
        var live = ordered.Where(f => !f.Voided).ToList();
        return new VoidableEvidence<T>(ordered[0], live, live.Count > 0 ? live : ordered);
    }
}
