using ChipRegistry.Domain.Catalog;
using ChipRegistry.Domain.Common;
using ChipRegistry.Domain.Persistence;
using ChipRegistry.EventStore;
using NodaTime;

namespace ChipRegistry.Domain.Gs1;

/// <summary>A GTIN-14 and the one model it names.</summary>
public sealed record GtinMapping(string Gtin, string CompanyPrefix, string ModelId, string ManufacturerId, string MappedBy, Instant MappedAt)
{
    public static GtinMapping? Evolve(GtinMapping? state, GtinMapped e) => state is null
        ? new GtinMapping(e.Gtin, e.CompanyPrefix, e.ModelId, e.ManufacturerId, e.RecordedBy, e.OccurredAt)
        : throw new InvalidOperationException($"GTIN {state.Gtin} is mapped once");
}

public sealed record MapGtin(string Gtin, string ModelId, Actor Actor, Instant At);

/// <summary>What a mapping is decided against besides the GTIN's own stream: the granted prefix the GTIN falls under, and the model.</summary>
public sealed record GtinMappingContext(CompanyPrefix? Prefix, AcceleratorModel? Model);

public static class GtinMappingDecisions
{
    public static Decision<GtinMapped> Decide(MapGtin c, GtinMapping? state, GtinMappingContext context)
    {
        ArgumentNullException.ThrowIfNull(c);
        ArgumentNullException.ThrowIfNull(context);
        if (c.Actor.Kind != Organisations.OrganisationKind.Manufacturer) return new DomainError(Gs1Errors.NotManufacturer, "only a manufacturer maps its GTINs");
        if (!Gtins.IsGtin14(c.Gtin)) return new DomainError(Gs1Errors.InvalidGtin, "a GTIN is 14 digits with its check digit (pad a GTIN-13 or GTIN-12 with leading zeros)");
        if (state is not null) return new DomainError(Gs1Errors.GtinAlreadyMapped, $"GTIN {c.Gtin} already names model {state.ModelId}; a GTIN names one model");
        if (context.Prefix is not { } prefix) return new DomainError(Gs1Errors.PrefixNotGranted, $"no granted GS1 company prefix begins GTIN {c.Gtin}");
        if (prefix.ManufacturerId != c.Actor.OrganisationId)
        {
            return new DomainError(Gs1Errors.NotPrefixHolder, $"GTIN {c.Gtin} is under prefix {prefix.Prefix}, which another manufacturer holds");
        }
        if (context.Model is not { } model) return new DomainError(Gs1Errors.ModelNotRegistered, $"model {c.ModelId} is not registered");
        if (model.ManufacturerId != c.Actor.OrganisationId) return new DomainError(Gs1Errors.NotModelManufacturer, $"model {c.ModelId} is another manufacturer's");
        return Decision<GtinMapped>.Accept(new GtinMapped(c.Gtin, prefix.Prefix, model.ModelId, model.ManufacturerId, c.Actor.OrganisationId, c.At));
    }
}

/// <summary>The GTIN handler and reads: one short stream per GTIN.</summary>
public static class GtinMappingCommands
{
    public static Task<CommandResult> HandleAsync(this CommandPipeline commands, MapGtin command, CommandMetadata? metadata = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(commands);
        ArgumentNullException.ThrowIfNull(command);
        if (!Gtins.IsGtin14(command.Gtin))
        {
            // decided without a load: a malformed GTIN names no stream
            return Task.FromResult(CommandResult.Rejected(GtinMappingDecisions.Decide(command, null, new GtinMappingContext(null, null)).Error!));
        }
        return commands.RunEntityAsync(StreamKeys.Gtin(command.Gtin), StreamKeys.GtinType,
            () => LoadAsync(commands.Store, command.Gtin, cancellationToken),
            async state =>
            {
                var prefix = await CompanyPrefixCommands.FindForGtinAsync(commands.Store, command.Gtin, cancellationToken);
                var model = string.IsNullOrWhiteSpace(command.ModelId) ? null : (await commands.Reads.LoadModelAsync(command.ModelId, cancellationToken)).State;
                return GtinMappingDecisions.Decide(command, state, new GtinMappingContext(prefix, model));
            }, command.Actor, metadata, cancellationToken);
    }

    public static async Task<Loaded<GtinMapping>> LoadAsync(IEventStore store, string gtin, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(store);
        var aggregate = await store.AggregateStreamAsync<GtinMapping?>(StreamKeys.Gtin(gtin), null,
            (state, data) => data is GtinMapped e ? GtinMapping.Evolve(state, e) : state, null, cancellationToken);
        return new Loaded<GtinMapping>(aggregate.State, aggregate.Version);
    }
}
