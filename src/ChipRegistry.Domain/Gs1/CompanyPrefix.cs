using ChipRegistry.Domain.Common;
using ChipRegistry.Domain.Organisations;
using ChipRegistry.Domain.Persistence;
using ChipRegistry.EventStore;
using NodaTime;

namespace ChipRegistry.Domain.Gs1;

/// <summary>A GS1 company prefix and the one manufacturer that holds it in the registry.</summary>
public sealed record CompanyPrefix(string Prefix, string ManufacturerId, string GrantedBy, Instant GrantedAt)
{
    public static CompanyPrefix? Evolve(CompanyPrefix? state, Gs1PrefixGranted e) => state is null
        ? new CompanyPrefix(e.CompanyPrefix, e.ManufacturerId, e.RecordedBy, e.OccurredAt)
        : throw new InvalidOperationException($"prefix {state.Prefix} is granted once");
}

public sealed record GrantCompanyPrefix(string CompanyPrefix, string ManufacturerId, Actor Actor, Instant At);

/// <summary>What the grant is decided against besides the prefix's own stream: the manufacturer, and any granted prefix it overlaps.</summary>
public sealed record PrefixGrantContext(Organisation? Manufacturer, string? OverlappingPrefix);

public static class CompanyPrefixDecisions
{
    public static Decision<Gs1PrefixGranted> Decide(GrantCompanyPrefix c, CompanyPrefix? state, PrefixGrantContext context)
    {
        ArgumentNullException.ThrowIfNull(c);
        ArgumentNullException.ThrowIfNull(context);
        if (c.Actor.Kind != OrganisationKind.Registry) return new DomainError(Gs1Errors.NotRegistryAdmin, "only the registry's administrator grants a GS1 company prefix");
        if (!Gtins.IsCompanyPrefix(c.CompanyPrefix))
        {
            return new DomainError(Gs1Errors.InvalidCompanyPrefix, $"a GS1 company prefix is {Gtins.MinPrefixLength} to {Gtins.MaxPrefixLength} digits");
        }
        if (state is not null) return new DomainError(Gs1Errors.PrefixAlreadyGranted, $"prefix {c.CompanyPrefix} is held by {state.ManufacturerId}; a prefix has one holder");
        if (context.OverlappingPrefix is { } other)
        {
            return new DomainError(Gs1Errors.PrefixOverlaps, $"prefix {c.CompanyPrefix} overlaps the granted prefix {other}: a GTIN could belong to both");
        }
        if (context.Manufacturer is not { Kind: OrganisationKind.Manufacturer })
        {
            return new DomainError(Gs1Errors.NotManufacturer, $"{c.ManufacturerId} is not a registered manufacturer");
        }
        return Decision<Gs1PrefixGranted>.Accept(new Gs1PrefixGranted(c.CompanyPrefix, c.ManufacturerId, c.Actor.OrganisationId, c.At));
    }
}

/// <summary>The prefix handler and reads: one short stream per prefix.</summary>
public static class CompanyPrefixCommands
{
    public static Task<CommandResult> HandleAsync(this CommandPipeline commands, GrantCompanyPrefix command, CommandMetadata? metadata = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(commands);
        ArgumentNullException.ThrowIfNull(command);
        if (!Gtins.IsCompanyPrefix(command.CompanyPrefix))
        {
            // decided without a load: a malformed prefix names no stream
            return Task.FromResult(CommandResult.Rejected(CompanyPrefixDecisions.Decide(command, null, new PrefixGrantContext(null, null)).Error!));
        }
        return commands.RunEntityAsync(StreamKeys.Gs1Prefix(command.CompanyPrefix), StreamKeys.Gs1PrefixType,
            () => LoadAsync(commands.Store, command.CompanyPrefix, cancellationToken),
            async state =>
            {
                var manufacturer = (await commands.Reads.LoadOrganisationAsync(command.ManufacturerId, cancellationToken)).State;
                var overlapping = await OverlappingAsync(commands.Store, command.CompanyPrefix, cancellationToken);
                return CompanyPrefixDecisions.Decide(command, state, new PrefixGrantContext(manufacturer, overlapping));
            }, command.Actor, metadata, cancellationToken);
    }

    public static async Task<Loaded<CompanyPrefix>> LoadAsync(IEventStore store, string prefix, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(store);
        var aggregate = await store.AggregateStreamAsync<CompanyPrefix?>(StreamKeys.Gs1Prefix(prefix), null,
            (state, data) => data is Gs1PrefixGranted e ? CompanyPrefix.Evolve(state, e) : state, null, cancellationToken);
        return new Loaded<CompanyPrefix>(aggregate.State, aggregate.Version);
    }

    /// <summary>The granted prefix of <paramref name="gtin"/> (at most one: prefixes never overlap), or null.</summary>
    public static async Task<CompanyPrefix?> FindForGtinAsync(IEventStore store, string gtin, CancellationToken cancellationToken = default)
    {
        foreach (var candidate in Gtins.CandidatePrefixes(gtin))
        {
            if ((await LoadAsync(store, candidate, cancellationToken)).State is { } prefix) return prefix;
        }
        return null;
    }

    /// <summary>
    /// A granted prefix that begins <paramref name="prefix"/> (a shorter one) or that it begins (a longer one): the
    /// stream keys are ordered, so a longer prefix is the first key after the prefix's own that starts with it.
    /// </summary>
    private static async Task<string?> OverlappingAsync(IEventStore store, string prefix, CancellationToken cancellationToken)
    {
        for (var length = Gtins.MinPrefixLength; length < prefix.Length; length++)
        {
            if ((await LoadAsync(store, prefix[..length], cancellationToken)).State is { } shorter) return shorter.Prefix;
        }
        var next = await store.ListStreamKeysAsync(StreamKeys.Gs1PrefixType, StreamKeys.Gs1Prefix(prefix), 1, cancellationToken);
        var key = StreamKeys.Gs1Prefix(prefix);
        return next.Count == 1 && next[0].StartsWith(key, StringComparison.Ordinal) ? next[0][(StreamKeys.Gs1PrefixType.Length + 1)..] : null;
    }
}
