using ChipRegistry.Domain.Common;

namespace ChipRegistry.Domain.Chips;

public static partial class ChipDecisions
{
    /// <summary>
    /// The command with its free texts (reasons, methods, circumstances, RMA numbers, racks, observation details)
    /// NFC-normalised by <see cref="FreeText"/>, or the first text that breaks the rule: checked before any decision, so
    /// every chip command obeys one rule whichever path (API, import, generator) it comes by. A blank text is left to
    /// the decision, which answers it with its own code (<c>reason_required</c>).
    /// </summary>
    private static (IChipCommand Command, DomainError? Error) WithCheckedTexts(IChipCommand command) => command switch
    {
        PlaceChipHold c => Checked(Detail(c.Reason, "reason"), text => c with { Reason = text }),
        ReleaseChipHold c => Checked(Detail(c.Reason, "reason"), text => c with { Reason = text }),
        DeclareChipIllegitimate c => Checked(Detail(c.Reason, "reason"), text => c with { Reason = text }),
        VoidChipEvent c => Checked(Detail(c.Reason, "reason"), text => c with { Reason = text }),
        RemoveChip c => Checked(Detail(c.Reason, "reason"), text => c with { Reason = text }),
        DecommissionChip c => Checked(Detail(c.Reason, "reason"), text => c with { Reason = text }),
        DestroyChip c => Checked(Detail(c.Method, "method"), text => c with { Method = text }),
        ReportChipMissing c => Checked(Detail(c.Circumstances, "circumstances"), text => c with { Circumstances = text }),
        ReturnChip c => Checked(Name(c.RmaNumber, "rmaNumber"), text => c with { RmaNumber = text }),
        InstallChip c => Checked(Name(c.Rack, "rack"), text => c with { Rack = text }),
        ReportChipObservation c => CheckedObservation(c),
        _ => (command, null),
    };

    private static (IChipCommand Command, DomainError? Error) Checked(TextCheck check, Func<string, IChipCommand> with) =>
        check.Error is null ? (with(check.Text!), null) : (null!, check.Error);

    private static TextCheck Detail(string text, string field) => string.IsNullOrWhiteSpace(text) ? new TextCheck(text, null) : FreeText.Detail(text, field);

    private static TextCheck Name(string text, string field) => string.IsNullOrWhiteSpace(text) ? new TextCheck(text, null) : FreeText.Name(text, field);

    private static (IChipCommand Command, DomainError? Error) CheckedObservation(ReportChipObservation c)
    {
        var kind = Name(c.Kind, "kind");
        var details = Detail(c.Details, "details");
        return (kind.Error ?? details.Error) is { } error ? (c, error) : (c with { Kind = kind.Text!, Details = details.Text! }, null);
    }
}
