using ChipRegistry.Domain.Common;
using ChipRegistry.Domain.Assemblies;
using ChipRegistry.Domain.Catalog;
using ChipRegistry.Domain.Chips;
using ChipRegistry.Domain.Facilities;
using ChipRegistry.Domain.Licences;
using ChipRegistry.Domain.Organisations;
using ChipRegistry.EventStore;
using Npgsql;

namespace ChipRegistry.Domain.Persistence;

/// <summary>A chip's state and its stream version (0: no stream yet; the version is the ETag).</summary>
public sealed record ChipSnapshot(ChipState State)
{
    public long Version => State.Version;
}

/// <summary>An entity folded from its stream (null state: no stream yet) and the stream's version.</summary>
public sealed record Loaded<TState>(TState? State, long Version) where TState : class;

/// <summary>
/// What handlers and the API load. Chips come from the inline <c>chip_state</c> table (the folded state) and
/// <c>chip_parties</c> (who may see them); organisations for the directory from the inline <c>organisations</c> table; single
/// organisations, facilities, licences, notifications, models and assemblies are folded from their own (short)
/// streams through the store's read API.
/// </summary>
public sealed class RegistryReads
{
    private readonly IEventStore store;
    private readonly NpgsqlDataSource dataSource;
    private readonly EventSerializer serializer;

    public RegistryReads(IEventStore store, NpgsqlDataSource dataSource)
    {
        this.store = store ?? throw new ArgumentNullException(nameof(store));
        this.dataSource = dataSource ?? throw new ArgumentNullException(nameof(dataSource));
        serializer = new EventSerializer(DomainStore.EventTypes());
    }

    public IEventStore Store => store;

    /// <summary>The chip's state and version from its chip-state row; an unknown chip is unregistered at version 0.</summary>
    public async Task<ChipSnapshot> LoadChipAsync(string chipId, CancellationToken cancellationToken = default)
    {
        var loaded = await LoadChipsAsync([chipId], cancellationToken);
        return loaded[chipId];
    }

    /// <summary>Many chips in one query; every id asked for is in the answer (unknown ones unregistered, version 0).</summary>
    public async Task<IReadOnlyDictionary<string, ChipSnapshot>> LoadChipsAsync(IEnumerable<string> chipIds, CancellationToken cancellationToken = default)
    {
        var ids = chipIds.Select(StreamKeys.Chip).Distinct(StringComparer.Ordinal).ToArray();
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        var states = await ChipStateRows.LoadStatesAsync(connection, null, store.Schema, ids, forUpdate: false, cancellationToken);
        return ids.ToDictionary(
            id => id,
            id => new ChipSnapshot(states.TryGetValue(id, out var state) ? state : ChipState.Initial(id)),
            StringComparer.Ordinal);
    }

    /// <summary>
    /// The chip (unregistered at version 0 when unknown) and what <paramref name="actor"/> is to it: for agencies and
    /// the registry a present party to every chip; for anyone else from <c>chip_parties</c>, and a chip it was never a
    /// party to is answered exactly as an unknown one (unregistered, <see cref="ChipRelation.None"/>) without its row
    /// being read. One statement over <c>chip_state</c> (and <c>chip_parties</c>): neither the events nor a history are read.
    /// </summary>
    public async Task<(ChipState State, ChipRelation Relation)> LoadChipForAsync(string chipId, Actor actor, CancellationToken cancellationToken = default) =>
        (await LoadChipsForAsync([chipId], actor, cancellationToken))[chipId];

    /// <inheritdoc cref="LoadChipForAsync"/>
    public async Task<IReadOnlyDictionary<string, (ChipState State, ChipRelation Relation)>> LoadChipsForAsync(
        IEnumerable<string> chipIds, Actor actor, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(actor);
        var ids = chipIds.Select(StreamKeys.Chip).Distinct(StringComparer.Ordinal).ToArray();
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        var loaded = actor.SeesEveryChip
            ? (await ChipStateRows.LoadStatesAsync(connection, null, store.Schema, ids, forUpdate: false, cancellationToken))
                .ToDictionary(p => p.Key, p => (p.Value, ChipRelation.Current), StringComparer.Ordinal)
            : await ChipStateRows.LoadWithRelationAsync(connection, store.Schema, ids, actor.OrganisationId, cancellationToken);
        return ids.ToDictionary(id => id, id => loaded.TryGetValue(id, out var found) ? found : (ChipState.Initial(id), ChipRelation.None), StringComparer.Ordinal);
    }

    /// <summary>
    /// What <paramref name="actor"/> is to the chip, from <c>chip_parties</c> alone (agencies and the registry: a present
    /// party to every chip): how a read or write that needs the chip's events decides its 404 before reading any.
    /// </summary>
    public async Task<ChipRelation> RelationOfAsync(string chipId, Actor actor, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(actor);
        if (actor.SeesEveryChip)
        {
            return ChipRelation.Current;
        }
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        return await ChipStateRows.RelationAsync(connection, store.Schema, StreamKeys.Chip(chipId), actor.OrganisationId, cancellationToken);
    }

    /// <summary>
    /// Each id as the chip it names was registered: serials are case-insensitive (<see cref="Serials"/>), so an id that
    /// differs from a registered chip's only in case maps to that chip's id. An id that is itself registered, or that no
    /// chip answers to, maps to itself. One query over the case-folded index, however many ids.
    /// </summary>
    public async Task<IReadOnlyDictionary<string, string>> RegisteredChipIdsAsync(IEnumerable<string> chipIds, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(chipIds);
        var ids = chipIds.Distinct(StringComparer.Ordinal).ToArray();
        var registered = new Dictionary<string, List<string>>(StringComparer.Ordinal);
        await using (var connection = await dataSource.OpenConnectionAsync(cancellationToken))
        await using (var command = new NpgsqlCommand(
            $"select lower(chip_id), chip_id from {store.Schema.Quoted}.chip_state where lower(chip_id) = any($1) order by chip_id", connection))
        {
            command.Parameters.Add(new NpgsqlParameter<string[]> { TypedValue = [.. ids.Select(Serials.Folded).Distinct(StringComparer.Ordinal)] });
            await using var reader = await command.ExecuteReaderAsync(cancellationToken);
            while (await reader.ReadAsync(cancellationToken))
            {
                var folded = reader.GetString(0);
                if (!registered.TryGetValue(folded, out var stored)) registered[folded] = stored = [];
                stored.Add(reader.GetString(1));
            }
        }
        return ids.ToDictionary(
            id => id,
            id => registered.TryGetValue(Serials.Folded(id), out var stored) && !stored.Contains(id, StringComparer.Ordinal) ? stored[0] : id,
            StringComparer.Ordinal);
    }

    /// <summary>
    /// The registered chips whose ids equal one of <paramref name="chipIds"/> ignoring case (the lot's check for a serial
    /// registered in another case): one query over the case-folded index, the folding done by PostgreSQL so a lot of
    /// 100,000 serials allocates no second copy of its ids.
    /// </summary>
    public async Task<IReadOnlyList<string>> FindChipsInAnyCaseAsync(string[] chipIds, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(chipIds);
        var found = new List<string>();
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        await using var command = new NpgsqlCommand(
            $"select chip_id from {store.Schema.Quoted}.chip_state where lower(chip_id) = any(array(select lower(id) from unnest($1::text[]) id))", connection);
        command.Parameters.Add(new NpgsqlParameter<string[]> { TypedValue = chipIds });
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        while (await reader.ReadAsync(cancellationToken)) found.Add(reader.GetString(0));
        return found;
    }

    /// <summary>The last version of the chip that <paramref name="organisationId"/> may read (null: it was never a party).</summary>
    public async Task<long?> VisibleUpToAsync(string chipId, string organisationId, CancellationToken cancellationToken = default)
    {
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        return await ChipStateRows.VisibleUpToAsync(connection, store.Schema, StreamKeys.Chip(chipId), organisationId, cancellationToken);
    }

    /// <summary>Every chip of a lot (for lot holds), from the chip-state table's lot index.</summary>
    public async Task<IReadOnlyDictionary<string, ChipSnapshot>> LoadLotAsync(string lotId, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(lotId);
        var ids = new List<string>();
        await using (var connection = await dataSource.OpenConnectionAsync(cancellationToken))
        await using (var command = new NpgsqlCommand($"select chip_id from {store.Schema.Quoted}.chip_state where lot_id = $1 order by chip_id", connection))
        {
            command.Parameters.Add(new NpgsqlParameter<string> { TypedValue = lotId });
            await using var reader = await command.ExecuteReaderAsync(cancellationToken);
            while (await reader.ReadAsync(cancellationToken)) ids.Add(reader.GetString(0));
        }
        return ids.Count == 0 ? new Dictionary<string, ChipSnapshot>() : await LoadChipsAsync(ids, cancellationToken);
    }

    /// <summary>The chip's searchable row (stage, owner, custodian, place, flags), or null for an unknown chip.</summary>
    public async Task<ChipStateRow?> FindChipRowAsync(string chipId, CancellationToken cancellationToken = default)
    {
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        await using var command = new NpgsqlCommand($"select {ChipStateRows.Columns} from {store.Schema.Quoted}.chip_state where chip_id = $1", connection);
        command.Parameters.Add(new NpgsqlParameter<string> { TypedValue = StreamKeys.Chip(chipId) });
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        return await reader.ReadAsync(cancellationToken) ? ChipStateRows.Read(reader) : null;
    }

    /// <summary>
    /// How many chips have been shipped citing this licence or notification number, voided shipments excepted:
    /// the <see cref="Chips.ShipmentContext.AlreadyShippedUnderLicence"/> a shipment's licence check needs.
    /// </summary>
    public async Task<int> CountShippedUnderLicenceAsync(string authorisationNumber, CancellationToken cancellationToken = default)
    {
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        await using var command = new NpgsqlCommand($"select coalesce((select shipped from {store.Schema.Quoted}.licence_usage where authorisation_number = $1), 0)", connection);
        command.Parameters.Add(new NpgsqlParameter<string> { TypedValue = authorisationNumber });
        return (int)(await command.ExecuteScalarAsync(cancellationToken))!;
    }

    /// <summary>The counts of <see cref="CountShippedUnderLicenceAsync"/> for many numbers in one statement (absent: none shipped).</summary>
    public async Task<IReadOnlyDictionary<string, int>> CountShippedUnderLicencesAsync(IReadOnlyCollection<string> authorisationNumbers, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(authorisationNumbers);
        var counts = new Dictionary<string, int>(StringComparer.Ordinal);
        if (authorisationNumbers.Count == 0) return counts;
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        await using var command = new NpgsqlCommand($"select authorisation_number, shipped from {store.Schema.Quoted}.licence_usage where authorisation_number = any($1)", connection);
        command.Parameters.Add(new NpgsqlParameter<string[]> { TypedValue = [.. authorisationNumbers.Distinct(StringComparer.Ordinal)] });
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        while (await reader.ReadAsync(cancellationToken)) counts[reader.GetString(0)] = reader.GetInt32(1);
        return counts;
    }

    /// <summary>Chips matching every filter of <paramref name="search"/>, in chip id order (keyset pages), from the indexed columns.</summary>
    public async Task<IReadOnlyList<ChipStateRow>> SearchChipsAsync(ChipSearch search, CancellationToken cancellationToken = default) =>
        (await SearchChipPageAsync(search, cancellationToken)).Rows;

    /// <summary>
    /// One page of <paramref name="search"/> and where the next starts. The indexed columns pick the candidates; with a
    /// <see cref="ChipSearch.PartyId"/> the SQL narrows them to chips whose owner or custodian it is or whose history
    /// names it as buyer, consignee or operator (a superset), and each candidate's folded state decides, so an offer
    /// withdrawn by a sale or a shipment already received no longer counts. A page is filled from as many candidate
    /// batches as it takes; the next cursor is given only when a further match exists.
    /// </summary>
    public async Task<ChipSearchPage> SearchChipPageAsync(ChipSearch search, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(search);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(search.Limit);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(search.Limit, ChipSearch.MaxLimit);
        var page = new List<ChipStateRow>();
        var after = search.AfterChipId;
        var batchSize = search.Limit + 1;
        while (true)
        {
            var batch = await QueryChipRowsAsync(search with { AfterChipId = after }, batchSize, cancellationToken);
            page.AddRange(batch);
            if (page.Count > search.Limit)
            {
                return new ChipSearchPage(page.Take(search.Limit).ToList(), page[search.Limit - 1].ChipId);
            }
            if (batch.Count < batchSize)
            {
                return new ChipSearchPage(page, null);
            }
            after = batch[^1].ChipId;
        }
    }

    private async Task<IReadOnlyList<ChipStateRow>> QueryChipRowsAsync(ChipSearch search, int limit, CancellationToken cancellationToken)
    {
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        await using var command = new NpgsqlCommand { Connection = connection };
        var conditions = new List<string>();
        string Parameter(string value)
        {
            command.Parameters.Add(new NpgsqlParameter<string> { TypedValue = value });
            return $"${command.Parameters.Count}";
        }
        void Equal(string column, string? value)
        {
            if (value is not null) conditions.Add($"{column} = {Parameter(value)}");
        }
        Equal("owner_id", search.OwnerId);
        Equal("custodian_id", search.CustodianId);
        Equal("facility_id", search.FacilityId);
        Equal("model_id", search.ModelId);
        Equal("stage", search.Stage);
        Equal("location_country", search.Country);
        Equal("lot_id", search.LotId);
        if (search.PartyId is { } party)
        {
            conditions.Add($"chip_id in (select p.chip_id from {store.Schema.Quoted}.chip_parties p where p.organisation_id = {Parameter(party)} and p.to_version is null)");
        }
        if (search.LicenceCheck is { } result)
        {
            // Rule 16's daemon table keeps every chip shipped with a failed check; a voided shipment no longer counts.
            conditions.Add($"chip_id in (select f.chip_id from {store.Schema.Quoted}.{Detection.LicenceCheckFailed.LicenceCheckFailedProjection.ShipmentsTable} f where f.result = {Parameter(result)} and not f.voided)");
        }
        if (search.AfterChipId is not null)
        {
            conditions.Add($"chip_id > {Parameter(search.AfterChipId)}");
        }
        const string flagged = "(on_hold or illegitimate or conflicting_observations > 0)";
        if (search.Flagged is { } wanted) conditions.Add(wanted ? flagged : $"not {flagged}");
        command.Parameters.Add(new NpgsqlParameter<int> { TypedValue = limit });
        var where = conditions.Count == 0 ? "" : $"where {string.Join(" and ", conditions)}";
        command.CommandText = $"select {ChipStateRows.Columns} from {store.Schema.Quoted}.chip_state {where} order by chip_id limit ${command.Parameters.Count}";
        var rows = new List<ChipStateRow>();
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        while (await reader.ReadAsync(cancellationToken)) rows.Add(ChipStateRows.Read(reader));
        return rows;
    }

    /// <summary>The chip's full stream (its history, voids included), optionally as of a business or recorded time.</summary>
    public Task<IReadOnlyList<StoredEvent>> ReadChipHistoryAsync(string chipId, AsOf? asOf = null, CancellationToken cancellationToken = default) =>
        store.ReadStreamAsync(StreamKeys.Chip(chipId), 1, asOf, cancellationToken);

    /// <summary>A fresh fold of the chip's stream as stored (what the chip-state row must equal).</summary>
    public async Task<ChipSnapshot> FoldChipStreamAsync(string chipId, AsOf? asOf = null, CancellationToken cancellationToken = default)
    {
        var aggregate = await store.AggregateStreamAsync(StreamKeys.Chip(chipId), ChipHistory.Initial(chipId),
            (history, data) => data is IChipEvent e ? history.Evolve(e) : history, asOf, cancellationToken);
        return new ChipSnapshot(aggregate.State.State);
    }

    public Task<Loaded<Organisation>> LoadOrganisationAsync(string organisationId, CancellationToken cancellationToken = default) =>
        FoldAsync<Organisation, IOrganisationEvent>(StreamKeys.Organisation(organisationId), Organisation.Evolve, cancellationToken);

    /// <summary>Every organisation (parent histories included), from the inline organisations table.</summary>
    public async Task<OrganisationDirectory> LoadOrganisationDirectoryAsync(CancellationToken cancellationToken = default)
    {
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        var organisations = await OrganisationProjection.LoadAsync(connection, null, store.Schema, serializer.Options, null, forUpdate: false, cancellationToken);
        return new OrganisationDirectory(organisations.Values);
    }

    public Task<Loaded<Facility>> LoadFacilityAsync(string facilityId, CancellationToken cancellationToken = default) =>
        FoldAsync<Facility, IFacilityEvent>(StreamKeys.Facility(facilityId), Facility.Evolve, cancellationToken);

    public Task<Loaded<Licence>> LoadLicenceAsync(string licenceId, CancellationToken cancellationToken = default) =>
        FoldAsync<Licence, ILicenceEvent>(StreamKeys.Licence(licenceId), Licence.Evolve, cancellationToken);

    public Task<Loaded<ExportNotification>> LoadNotificationAsync(string notificationId, CancellationToken cancellationToken = default) =>
        FoldAsync<ExportNotification, IExportNotificationEvent>(StreamKeys.Notification(notificationId), ExportNotification.Evolve, cancellationToken);

    public Task<Loaded<AcceleratorModel>> LoadModelAsync(string modelId, CancellationToken cancellationToken = default) =>
        FoldAsync<AcceleratorModel, IAcceleratorModelEvent>(StreamKeys.Model(modelId), AcceleratorModel.Evolve, cancellationToken);

    public Task<Loaded<Assembly>> LoadAssemblyAsync(string assemblyId, CancellationToken cancellationToken = default) =>
        FoldAsync<Assembly, IAssemblyEvent>(StreamKeys.Assembly(assemblyId), Assembly.Evolve, cancellationToken);

    private async Task<Loaded<TState>> FoldAsync<TState, TEvent>(string streamKey, Func<TState?, TEvent, TState?> evolve, CancellationToken cancellationToken)
        where TState : class
    {
        var aggregate = await store.AggregateStreamAsync<TState?>(streamKey, null, (state, data) => data is TEvent e ? evolve(state, e) : state, null, cancellationToken);
        return new Loaded<TState>(aggregate.State, aggregate.Version);
    }

}
