using ChipRegistry.Domain.Detection.Clock;
using ChipRegistry.Domain.Detection.Thresholds;
using ChipRegistry.EventStore;
using NodaTime;

namespace ChipRegistry.Domain.Detection.Flags;

/// <summary>
/// The walk through a batch every deadline rule makes. The chips whose events matter are collected and re-folded
/// together, before each tick and threshold change and at the batch's end, so a judgement always sees every act
/// recorded before it; a tick that moves the rule's clock judges what fell due since the previous one; a threshold
/// change takes effect, then the rule reschedules if the change is one of its own. The rule's inputs are saved last.
/// </summary>
public static class DeadlineWalk
{
    public static async Task RunAsync(
        AsyncProjectionBatch batch,
        RuleInputs inputs,
        Func<object, bool> matters,
        Func<string[], long, Task> refold,
        Func<Instant?, Instant, Task> tick,
        Func<DetectionThresholdChanged, Task> thresholdChanged,
        CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(batch);
        ArgumentNullException.ThrowIfNull(inputs);
        var touched = new HashSet<string>(StringComparer.Ordinal);
        async Task RefoldTouchedAsync(long throughSeqId)
        {
            if (touched.Count == 0) return;
            var chips = touched.ToArray();
            touched.Clear();
            await refold(chips, throughSeqId);
        }

        foreach (var e in batch.Events)
        {
            switch (e.Data)
            {
                case var data when matters(data):
                    touched.Add(e.StreamKey);
                    break;
                case ClockTicked ticked:
                    await RefoldTouchedAsync(e.SeqId);
                    var previous = inputs.LatestTick;
                    if (inputs.Tick(ticked.OccurredAt)) await tick(previous, ticked.OccurredAt);
                    break;
                case DetectionThresholdChanged change:
                    await RefoldTouchedAsync(e.SeqId);
                    inputs.Change(e.SeqId, change);
                    await thresholdChanged(change);
                    break;
            }
        }
        await RefoldTouchedAsync(batch.ThroughSeqId);
        await inputs.SaveAsync(batch, cancellationToken);
    }
}
