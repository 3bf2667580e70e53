using System.Globalization;
using ChipRegistry.Domain.Common;
using ChipRegistry.Domain.Detection.Clock;
using ChipRegistry.Domain.Organisations;
using ChipRegistry.Domain.Persistence;
using ChipRegistry.EventStore;
using NodaTime;

namespace ChipRegistry.Domain.Detection.Thresholds;

/// <summary>From <see cref="EffectiveFrom"/> on, the named threshold has <see cref="Value"/> (invariant text, as the catalogue's kind reads it).</summary>
public sealed record ChangeThreshold(string Name, string Value, Instant EffectiveFrom, string Reason, Actor Actor, Instant At);

/// <summary>The changes recorded on one threshold's stream, in recording order (the calendar's input).</summary>
public sealed record ThresholdChanges(IReadOnlyList<DetectionThresholdChanged> Changes)
{
    public static ThresholdChanges? Evolve(ThresholdChanges? state, DetectionThresholdChanged e) => new([.. state?.Changes ?? [], e]);
}

public static class ThresholdDecisions
{
    /// <summary>
    /// An agency or the registry changes a threshold the catalogue knows, to a value the calendar reads as the
    /// threshold's kind, effective no earlier than the latest tick (<paramref name="latestTick"/>): the past already
    /// judged is judged again only by a rebuild, never by a change that reaches back behind the clock.
    /// </summary>
    public static Decision<DetectionThresholdChanged> Decide(ChangeThreshold c, Instant? latestTick)
    {
        ArgumentNullException.ThrowIfNull(c);
        if (!DetectionThresholds.TryFind(c.Name, out var threshold)) return new DomainError(ThresholdErrors.UnknownThreshold, $"'{c.Name}' is not a detection threshold");
        if (c.Actor.Kind is not (OrganisationKind.Agency or OrganisationKind.Registry)) return new DomainError(ThresholdErrors.NotAgency, "only an agency or the registry changes a detection threshold");
        if (ValueProblem(threshold, c.Value) is { } valueError) return valueError;
        var reason = FreeText.Detail(c.Reason, "reason");
        if (reason.Error is not null) return reason.Error;
        if (latestTick is { } tick && c.EffectiveFrom < tick)
        {
            return new DomainError(ThresholdErrors.ThresholdBackdated,
                $"effectiveFrom {NodaTime.Text.InstantPattern.ExtendedIso.Format(c.EffectiveFrom)} precedes the latest clock tick {NodaTime.Text.InstantPattern.ExtendedIso.Format(tick)}; judging the past again is a rebuild");
        }
        return Decision<DetectionThresholdChanged>.Accept(new DetectionThresholdChanged(threshold.Name, c.Value, c.EffectiveFrom, reason.Text!, c.Actor.OrganisationId, c.At));
    }

    /// <summary>
    /// Exactly what <see cref="ThresholdCalendar"/> reads: a number is a non-negative invariant decimal (digits and one
    /// point, no sign, no spaces); a country list is assigned ISO 3166-1 alpha-2 codes joined by commas, each once.
    /// </summary>
    public static DomainError? ValueProblem(DetectionThreshold threshold, string? value)
    {
        ArgumentNullException.ThrowIfNull(threshold);
        if (string.IsNullOrEmpty(value)) return Invalid(threshold, "must not be empty");
        if (threshold.Kind == ThresholdKind.Number)
        {
            return decimal.TryParse(value, NumberStyles.AllowDecimalPoint, CultureInfo.InvariantCulture, out _)
                ? null
                : Invalid(threshold, $"'{value}' is not a non-negative decimal number in invariant form (such as 30 or 1.3)");
        }
        var codes = value.Split(',');
        foreach (var code in codes)
        {
            if (!Countries.IsAssigned(code)) return Invalid(threshold, $"'{code}' is not an assigned ISO 3166-1 alpha-2 code (codes are joined by commas, without spaces)");
        }
        return codes.Distinct(StringComparer.Ordinal).Count() == codes.Length ? null : Invalid(threshold, "names a country twice");
    }

    private static DomainError Invalid(DetectionThreshold threshold, string why) =>
        new(ThresholdErrors.InvalidThresholdValue, $"{threshold.Name} ({threshold.Kind.ToString().ToLowerInvariant()}): {why}");
}

/// <summary>The threshold handler and reads: one stream per threshold, the latest tick read in the same attempt.</summary>
public static class ThresholdCommands
{
    public static Task<CommandResult> HandleAsync(this CommandPipeline commands, ChangeThreshold command, CommandMetadata? metadata = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(commands);
        ArgumentNullException.ThrowIfNull(command);
        if (!DetectionThresholds.TryFind(command.Name, out _))
        {
            return Task.FromResult(CommandResult.Rejected(new DomainError(ThresholdErrors.UnknownThreshold, $"'{command.Name}' is not a detection threshold")));
        }
        return commands.RunEntityAsync(StreamKeys.Threshold(command.Name), StreamKeys.ThresholdType, () => LoadAsync(commands.Store, command.Name, cancellationToken),
            async _ => ThresholdDecisions.Decide(command, (await ClockCommands.LatestTickAsync(commands.Store, cancellationToken))?.At),
            command.Actor, metadata, cancellationToken);
    }

    public static async Task<Loaded<ThresholdChanges>> LoadAsync(IEventStore store, string name, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(store);
        var aggregate = await store.AggregateStreamAsync<ThresholdChanges?>(StreamKeys.Threshold(name), null,
            (state, data) => data is DetectionThresholdChanged e ? ThresholdChanges.Evolve(state, e) : state, null, cancellationToken);
        return new Loaded<ThresholdChanges>(aggregate.State, aggregate.Version);
    }

    /// <summary>Every recorded change, by threshold (thresholds never changed are absent), each list in recording order.</summary>
    public static async Task<IReadOnlyDictionary<string, IReadOnlyList<DetectionThresholdChanged>>> LoadAllAsync(IEventStore store, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(store);
        var all = new Dictionary<string, IReadOnlyList<DetectionThresholdChanged>>(StringComparer.Ordinal);
        foreach (var threshold in DetectionThresholds.All)
        {
            var loaded = await LoadAsync(store, threshold.Name, cancellationToken);
            if (loaded.State is { } changes) all[threshold.Name] = changes.Changes;
        }
        return all;
    }
}
