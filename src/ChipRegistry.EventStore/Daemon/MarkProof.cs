namespace ChipRegistry.EventStore;

/// <summary>
/// A run of sequence numbers the high-water mark is counting, on a snapshot it exported, so that runners standing at
/// the mark can apply the same run on that same snapshot while the count goes on: a catch-up then costs the longer of
/// the count and the batch, not their sum. A runner that joins commits only on the verdict, which comes after the
/// mark's own commit, so no checkpoint passes the mark and nothing is applied from a run that turned out to have a hole.
/// </summary>
internal sealed class MarkProof(long from, long through, string snapshot)
{
    private readonly Lock gate = new();
    private readonly TaskCompletionSource importsDone = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private readonly TaskCompletionSource<bool> verdict = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private int importing;
    private int joined;
    private bool closed;

    /// <summary>The mark the count started from: only a runner whose checkpoint is here may join.</summary>
    public long From => from;

    /// <summary>The highest number the snapshot holds in the run; the run is complete when every number up to it is there.</summary>
    public long Through => through;

    /// <summary>The exported snapshot's id (<c>pg_export_snapshot()</c>), valid while the mark's transaction is open.</summary>
    public string Snapshot => snapshot;

    /// <summary>True when the run is complete and the mark has moved past it (committed); false otherwise.</summary>
    public Task<bool> Verdict => verdict.Task;

    /// <summary>How many runners have joined the run so far (tests wait on it rather than on the clock).</summary>
    public int Joined
    {
        get
        {
            lock (gate)
            {
                return joined;
            }
        }
    }

    /// <summary>Joins the run unless the mark has stopped taking runners; a joined runner must call <see cref="Imported"/>.</summary>
    public bool TryJoin()
    {
        lock (gate)
        {
            if (closed)
            {
                return false;
            }
            importing++;
            joined++;
            return true;
        }
    }

    /// <summary>A joined runner has imported the snapshot (or failed to): the mark may end its transaction.</summary>
    public void Imported()
    {
        lock (gate)
        {
            importing--;
            if (closed && importing == 0)
            {
                importsDone.TrySetResult();
            }
        }
    }

    /// <summary>Stops taking runners and waits until those that joined hold the snapshot: it dies with the mark's transaction.</summary>
    public Task CloseAsync()
    {
        lock (gate)
        {
            closed = true;
            if (importing == 0)
            {
                importsDone.TrySetResult();
            }
        }
        return importsDone.Task;
    }

    /// <summary>Gives the verdict once (later calls change nothing) and takes no more runners.</summary>
    public void Decide(bool complete)
    {
        lock (gate)
        {
            closed = true;
        }
        verdict.TrySetResult(complete);
    }
}
