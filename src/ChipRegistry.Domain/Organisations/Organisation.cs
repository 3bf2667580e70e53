using ChipRegistry.Domain.Persistence;
using ChipRegistry.Domain.Common;
using NodaTime;

namespace ChipRegistry.Domain.Organisations;

/// <summary>One effective-dated parent link: from <see cref="From"/> on, the direct parent is <see cref="ParentId"/>.</summary>
public sealed record ParentLink(LocalDate From, string? ParentId);

public sealed record Organisation(
    string Id,
    string Name,
    OrganisationKind Kind,
    string Country,
    LocalDate FoundedOn,
    IReadOnlyList<ParentLink> ParentHistory)
{
    public bool Equals(Organisation? other) =>
        other is not null
        && (Id, Name, Kind, Country, FoundedOn) == (other.Id, other.Name, other.Kind, other.Country, other.FoundedOn)
        && ParentHistory.SequenceEqual(other.ParentHistory);

    public override int GetHashCode() => HashCode.Combine(Id, Kind, ParentHistory.Count);

    /// <summary>The direct parent on a date: the latest link effective on or before it (ties: the later event wins).</summary>
    public string? ParentOn(LocalDate date) => ParentHistory.LastOrDefault(l => l.From <= date)?.ParentId;

    public static Organisation? Evolve(Organisation? state, IOrganisationEvent e) => e switch
    {
        OrganisationRegistered r => new Organisation(r.OrganisationId, r.Name, r.Kind, r.Country, r.FoundedOn, []),
        OrganisationParentChanged p when state is not null => state with
        {
            ParentHistory = [.. state.ParentHistory.Append(new ParentLink(p.EffectiveFrom, p.ParentId)).OrderBy(l => l.From)],
        },
        _ => throw new InvalidOperationException($"{e.GetType().Name} cannot apply to {(state is null ? "an unregistered organisation" : state.Id)}"),
    };

    public static Organisation? Fold(IEnumerable<IOrganisationEvent> events) => events.Aggregate((Organisation?)null, Evolve);
}

/// <summary>Where an organisation is, and where its ultimate parent is, on a date (the inputs of the destination rules).</summary>
public sealed record PartyJurisdiction(string OrganisationId, string Country, string UltimateParentId, string UltimateParentCountry);

/// <summary>An immutable snapshot of the organisations a decision may need to consult (parent chains).</summary>
public sealed class OrganisationDirectory
{
    private readonly IReadOnlyDictionary<string, Organisation> organisations;

    public OrganisationDirectory(IEnumerable<Organisation> organisations) =>
        this.organisations = organisations.ToDictionary(o => o.Id);

    public static OrganisationDirectory Empty { get; } = new([]);

    public Organisation? Find(string id) => organisations.GetValueOrDefault(id);

    public IEnumerable<Organisation> All => organisations.Values;

    public OrganisationDirectory With(Organisation organisation) =>
        new(organisations.Values.Where(o => o.Id != organisation.Id).Append(organisation));

    /// <summary>The chain of parents above an organisation on a date, nearest first; stops at a repeat.</summary>
    public IReadOnlyList<string> ParentChain(string id, LocalDate date)
    {
        var chain = new List<string>();
        var seen = new HashSet<string> { id };
        var current = Find(id)?.ParentOn(date);
        while (current is not null && seen.Add(current))
        {
            chain.Add(current);
            current = Find(current)?.ParentOn(date);
        }
        return chain;
    }

    public string UltimateParentId(string id, LocalDate date) => ParentChain(id, date) is { Count: > 0 } chain ? chain[^1] : id;

    public PartyJurisdiction? Jurisdiction(string id, LocalDate date)
    {
        if (Find(id) is not { } organisation) return null;
        var ultimate = UltimateParentId(id, date);
        return new PartyJurisdiction(id, organisation.Country, ultimate, Find(ultimate)?.Country ?? organisation.Country);
    }
}

public sealed record RegisterOrganisation(string OrganisationId, string Name, OrganisationKind Kind, string Country, LocalDate FoundedOn, Actor Actor, Instant At);

public sealed record ChangeOrganisationParent(string OrganisationId, string? ParentId, LocalDate EffectiveFrom, Actor Actor, Instant At);

public static class OrganisationDecisions
{
    public static Decision<IOrganisationEvent> Decide(RegisterOrganisation c, Organisation? state)
    {
        if (c.Actor.Kind != OrganisationKind.Registry) return new DomainError(OrganisationErrors.NotRegistryAdmin, "only the registry's administrator registers organisations");
        if (state is not null) return new DomainError(OrganisationErrors.OrganisationAlreadyRegistered, $"organisation '{c.OrganisationId}' is already registered");
        if (c.Kind == OrganisationKind.Registry) return new DomainError(OrganisationErrors.InvalidOrganisation, "the registry organisation is built in");
        if (Identifiers.ProblemWithNew(c.OrganisationId, "organisationId") is { } idError) return idError;
        if (string.IsNullOrWhiteSpace(c.Name)) return new DomainError(OrganisationErrors.InvalidOrganisation, "a name is required");
        var name = FreeText.Name(c.Name, "name");
        if (name.Error is not null) return name.Error;
        if (Countries.Problem(c.Country, "country") is { } countryError) return countryError;
        return Decision<IOrganisationEvent>.Accept(new OrganisationRegistered(c.OrganisationId, name.Text!, c.Kind, c.Country, c.FoundedOn, c.Actor.OrganisationId, c.At));
    }

    /// <summary>
    /// A parent change is rejected with <c>parent_cycle</c> if, on its effective date or on any later date on which
    /// some parent link in the directory changes, the chain above the organisation would come back to it.
    /// </summary>
    public static Decision<IOrganisationEvent> Decide(ChangeOrganisationParent c, Organisation? state, OrganisationDirectory directory)
    {
        if (state is null) return new DomainError(OrganisationErrors.OrganisationNotRegistered, $"organisation '{c.OrganisationId}' is not registered");
        var permitted = c.Actor.OrganisationId == state.Id || c.Actor.Kind is OrganisationKind.Registry or OrganisationKind.Agency;
        if (!permitted) return new DomainError(OrganisationErrors.NotPermitted, "only the organisation itself, the registry or an agency records its parent");
        if (c.ParentId is not null && directory.Find(c.ParentId) is null) return new DomainError(OrganisationErrors.ParentNotRegistered, $"parent '{c.ParentId}' is not registered");
        if (c.ParentId == state.Id) return new DomainError(OrganisationErrors.ParentCycle, "an organisation cannot be its own parent");

        var changed = new OrganisationParentChanged(state.Id, c.ParentId, c.EffectiveFrom, c.Actor.OrganisationId, c.At);
        var hypothetical = directory.With(Organisation.Evolve(state, changed)!);
        var dates = hypothetical.All.SelectMany(o => o.ParentHistory).Select(l => l.From)
            .Where(d => d >= c.EffectiveFrom).Append(c.EffectiveFrom).Distinct().Order();
        foreach (var date in dates)
        {
            var cycle = CycleThrough(hypothetical, state.Id, date);
            if (cycle is not null)
            {
                return new DomainError(OrganisationErrors.ParentCycle, $"on {date:yyyy-MM-dd} the parent chain would loop: {string.Join(" -> ", cycle)}");
            }
        }
        return Decision<IOrganisationEvent>.Accept(changed);
    }

    private static IReadOnlyList<string>? CycleThrough(OrganisationDirectory directory, string id, LocalDate date)
    {
        var path = new List<string> { id };
        var current = directory.Find(id)?.ParentOn(date);
        while (current is not null)
        {
            path.Add(current);
            if (current == id) return path;
            if (path.Count > directory.All.Count() + 1) return null; // a loop above, not through, this organisation
            current = directory.Find(current)?.ParentOn(date);
        }
        return null;
    }
}

/// <summary>The organisation use cases' handlers: fold the organisation's stream, decide, append.</summary>
public static class OrganisationCommands
{
    public static Task<CommandResult> HandleAsync(this CommandPipeline commands, RegisterOrganisation command, CommandMetadata? metadata = null, CancellationToken cancellationToken = default) =>
        commands.RunEntityAsync(StreamKeys.Organisation(command.OrganisationId), StreamKeys.OrganisationType, () => commands.Reads.LoadOrganisationAsync(command.OrganisationId, cancellationToken),
            state => Task.FromResult(OrganisationDecisions.Decide(command, state)), command.Actor, metadata, cancellationToken);

    /// <summary>A parent change, checked for cycles against the directory loaded from the organisations table.</summary>
    public static Task<CommandResult> HandleAsync(this CommandPipeline commands, ChangeOrganisationParent command, CommandMetadata? metadata = null, CancellationToken cancellationToken = default) =>
        commands.RunEntityAsync(StreamKeys.Organisation(command.OrganisationId), StreamKeys.OrganisationType, () => commands.Reads.LoadOrganisationAsync(command.OrganisationId, cancellationToken),
            async state => OrganisationDecisions.Decide(command, state, await commands.Reads.LoadOrganisationDirectoryAsync(cancellationToken)), command.Actor, metadata, cancellationToken);
}
