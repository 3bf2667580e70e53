namespace ChipRegistry.World.Anomalies;

/// <summary>
/// What an injector meant: a flag a rule must raise on a subject (an injected anomaly) or must not raise there (a near
/// miss), with the scenario in words. The world reports these from what it sent, never from the flags.
/// </summary>
public sealed record InjectedFlag(int Rule, string SubjectKind, string SubjectId, string Scenario)
{
    public override string ToString() => $"rule {Rule}, {SubjectKind} {SubjectId}: {Scenario}";
}
