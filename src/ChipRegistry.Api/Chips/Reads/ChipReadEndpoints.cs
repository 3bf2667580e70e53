using ChipRegistry.Api.Callers;
using ChipRegistry.Api.Feed;
using ChipRegistry.Api.Keys;
using ChipRegistry.Api.OpenApi;
using ChipRegistry.Api.Problems;
using ChipRegistry.Api.Requests;
using ChipRegistry.Domain.Chips;
using ChipRegistry.Domain.Common;
using ChipRegistry.Domain.Licences;
using ChipRegistry.Domain.Organisations;
using ChipRegistry.Domain.Persistence;
using ChipRegistry.EventStore;
using NodaTime.Text;
using NodaTime;
using System.Buffers.Text;
using System.Text;

namespace ChipRegistry.Api.Chips.Reads;

/// <summary>
/// A chip's state, its history and chip search. Organisations read a chip only for the period they were a party to
/// it (<see cref="ChipVisibility"/>); agencies and the registry read everything, and each of their chip reads is
/// logged before it is answered. A chip the caller may not see answers exactly as an unknown serial does.
/// </summary>
public static class ChipReadEndpoints
{
    private const int MaxFilterLength = 200;
    private const int MaxLimit = 200;
    private const int DefaultLimit = 50;

    /// <summary>The stages a search may ask for (an unregistered chip has no row to find).</summary>
    private static readonly IReadOnlySet<string> SearchableStages = Enum.GetValues<ChipStage>()
        .Where(stage => stage != ChipStage.Unregistered).Select(Names.Of).ToHashSet(StringComparer.Ordinal);

    public static WebApplicationBuilder AddChipReads(this WebApplicationBuilder builder)
    {
        builder.Services.AddSingleton<ChipReadLog>();
        return builder;
    }

    public static IEndpointRouteBuilder MapChipReadEndpoints(this IEndpointRouteBuilder endpoints)
    {
        var chips = endpoints.MapGroup("/api/v1/chips").WithTags("Chips").RequireAuthorization();

        chips.MapGet("/{chipId}", async (string chipId, HttpContext context, RegistryReads reads, Lifecycle.ChipWrites writes, ChipReadLog log, CancellationToken cancellationToken) =>
        {
            await LogIfEverythingReaderAsync(context, log, ChipReadEndpoint.State, chipId, null, cancellationToken);
            var actor = context.User.Actor();
            var snapshot = IsChipId(chipId) ? await writes.LoadVisibleAsync(chipId, actor, cancellationToken) : throw new ChipNotFoundException();
            if (context.User.ReadsEverything() || ChipVisibility.IsParty(snapshot.State, actor.OrganisationId))
            {
                context.Response.Headers.ETag = $"\"{snapshot.Version}\"";
                return TypedResults.Ok(ChipStateResponse.From(snapshot.State, snapshot.Version, asOfHolding: false));
            }
            // A former holder sees the chip as it stood when its holding ended: the stream folded up to that version.
            var upTo = await reads.VisibleUpToAsync(chipId, actor.OrganisationId, cancellationToken) ?? throw new ChipNotFoundException();
            var stream = await reads.ReadChipHistoryAsync(chipId, null, cancellationToken);
            var then = ChipState.Fold(chipId, stream.Where(e => e.Version <= upTo).Select(e => e.Data).OfType<IChipEvent>());
            context.Response.Headers.ETag = $"\"{then.Version}\"";
            return TypedResults.Ok(ChipStateResponse.From(then, then.Version, asOfHolding: true));
        })
        .WithName("GetChip")
        .WithSummary("A chip's state: now for a party to it and for agencies; as it stood when the caller's holding ended for a former holder (view as_of_your_holding). ETag is the version.")
        .WithResponseExample(StatusCodes.Status200OK, StateExample)
        .WithProblems(StatusCodes.Status401Unauthorized, StatusCodes.Status404NotFound, StatusCodes.Status429TooManyRequests);

        chips.MapGet("/{chipId}/history", async (string chipId, string? asOf, string? knownAt, HttpContext context, RegistryReads reads,
            ChipReadLog log, EventSerializerAccess serializer, CancellationToken cancellationToken) =>
        {
            var occurredBy = ParseInstant(asOf, "asOf");
            var recordedBy = ParseInstant(knownAt, "knownAt");
            var query = asOf is null && knownAt is null ? null : $"asOf={asOf}&knownAt={knownAt}";
            await LogIfEverythingReaderAsync(context, log, ChipReadEndpoint.History, chipId, query, cancellationToken);
            // Whether the caller may see the chip is decided from its party periods before any event is read, so a
            // hidden chip's 404 costs what an unknown serial's costs however long its history.
            var actor = context.User.Actor();
            if (!IsChipId(chipId) || await reads.RelationOfAsync(chipId, actor, cancellationToken) == ChipRelation.None)
            {
                throw new ChipNotFoundException();
            }
            var stream = await reads.ReadChipHistoryAsync(chipId, null, cancellationToken);
            var events = stream.Where(e => e.Data is IChipEvent).ToList();
            var view = ChipVisibility.For(chipId, events.Select(e => (IChipEvent)e.Data).ToList(), actor);
            if (!view.IsVisible)
            {
                throw new ChipNotFoundException();
            }
            var version = view.IsParty ? events[^1].Version : view.State.Version;
            var directory = await reads.LoadOrganisationDirectoryAsync(cancellationToken);
            var entries = History(chipId, events, view, occurredBy, recordedBy, directory, serializer);
            context.Response.Headers.ETag = $"\"{version}\"";
            return TypedResults.Ok(new ChipHistoryResponse(chipId, version, view.IsParty ? ChipViews.Current : ChipViews.AsOfYourHolding, !view.IsParty,
                occurredBy, recordedBy, entries, ChipHistoryLinks.Of(chipId)));
        })
        .WithName("GetChipHistory")
        .WithSummary("The chip's custody chain as the caller may see it, folded from its stream: both times, acting organisations with name and country, owner and custodian after each step, shipments with licence check, observations and voids marked. asOf bounds business time, knownAt recorded time. links name the chip's placements and custody resources.")
        .WithResponseExample(StatusCodes.Status200OK, HistoryExample)
        .WithProblems(StatusCodes.Status400BadRequest, StatusCodes.Status401Unauthorized, StatusCodes.Status404NotFound, StatusCodes.Status429TooManyRequests);

        chips.MapGet("", async (string? owner, string? custodian, string? facility, string? model, string? status, string? country, string? licenceCheck,
            string? cursor, int? limit, HttpContext context, RegistryReads reads, CancellationToken cancellationToken) =>
        {
            Flags.ListLicenceCheckFailuresEndpoint.FailingResult(licenceCheck);
            foreach (var (name, value) in new[] { ("owner", owner), ("custodian", custodian), ("facility", facility), ("model", model) })
            {
                if (value is not null && (value.Length is 0 or > MaxFilterLength))
                {
                    throw new ApiProblemException(StatusCodes.Status400BadRequest, "invalid_filter", "A search filter is malformed.", $"{name} must be 1 to {MaxFilterLength} characters.");
                }
            }
            if (status is not null && !SearchableStages.Contains(status))
            {
                throw new ApiProblemException(StatusCodes.Status400BadRequest, "invalid_status", "The status is not a chip stage.", $"Use one of: {string.Join(", ", SearchableStages.Order())}.");
            }
            if (country is not null && !Countries.IsAlpha2(country))
            {
                throw new ApiProblemException(StatusCodes.Status400BadRequest, "invalid_country", "The country is not an ISO 3166-1 alpha-2 code.", "Use two upper-case letters, e.g. US.");
            }
            var size = Paging.Size(limit, DefaultLimit, MaxLimit);
            var search = new ChipSearch
            {
                OwnerId = owner, CustodianId = custodian, FacilityId = facility, ModelId = model, Stage = status, Country = country, LicenceCheck = licenceCheck,
                AfterChipId = cursor is null ? null : DecodeCursor(cursor), Limit = size,
                PartyId = context.User.ReadsEverything() ? null : context.User.OrganisationId(),
            };
            var page = await reads.SearchChipPageAsync(search, cancellationToken);
            return TypedResults.Ok(new ChipSearchResponse(page.Rows.Select(ChipSummary.From).ToList(), page.NextAfterChipId is { } next ? EncodeCursor(next) : null));
        })
        .WithName("SearchChips")
        .WithSummary("Chips matching every filter given, in chip id order, a page at a time; licenceCheck (missing, expired, revoked, model_not_covered, quantity_exceeded, consignee_mismatch) keeps chips with a shipment, not voided, that failed its licence check so. Agencies and the registry search every chip; other organisations only chips they are a party to now (owner, custodian, named buyer, consignee, installing operator).")
        .WithResponseExample(StatusCodes.Status200OK, new ChipSearchResponse([SummaryExample], "bnZpZGlhOjE2NTIyMjMwMDQ1NjE"))
        .WithProblems(StatusCodes.Status400BadRequest, StatusCodes.Status401Unauthorized, StatusCodes.Status429TooManyRequests);

        endpoints.MapGet("/api/v1/admin/chip-reads", async (string? cursor, int? limit, ChipReadLog log, CancellationToken cancellationToken) =>
        {
            var size = Paging.Size(limit, DefaultLimit, MaxLimit);
            long after = 0;
            if (cursor is not null && (!long.TryParse(cursor, System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out after)))
            {
                throw Paging.InvalidCursor();
            }
            var entries = await log.ListAsync(after, size + 1, cancellationToken);
            var page = entries.Take(size).ToList();
            return TypedResults.Ok(new ChipReadLogPage(page, entries.Count > size ? page[^1].EntryId.ToString(System.Globalization.CultureInfo.InvariantCulture) : null));
        })
        .WithTags("Chips").WithName("ListChipReads")
        .RequireAuthorization(ApiKeyAuthentication.AdminPolicy)
        .WithSummary("The chip read log, oldest first: every agency or registry read of a chip's state or history and every verification (who, what, when).")
        .WithResponseExample(StatusCodes.Status200OK, new ChipReadLogPage(
            [new ChipReadEntry(41, Instant.FromUtc(2026, 11, 20, 9, 0, 1).PlusNanoseconds(123_456_000), "bis", "5f0c9e0a3b9f4d2e8a7c1b6d4e2f9a10", ChipReadEndpoint.History, "nvidia:1652223004561", null, null, null, null)], "41"))
        .WithProblems(StatusCodes.Status400BadRequest, StatusCodes.Status401Unauthorized, StatusCodes.Status403Forbidden, StatusCodes.Status429TooManyRequests);

        return endpoints;
    }

    /// <summary>Agencies' and the registry's reads are logged before anything is answered, unknown serials included.</summary>
    internal static Task LogIfEverythingReaderAsync(HttpContext context, ChipReadLog log, string endpoint, string chipId, string? query, CancellationToken cancellationToken) =>
        context.User.ReadsEverything() ? log.RecordAsync(context.User, endpoint, chipId, query, null, cancellationToken) : Task.CompletedTask;

    /// <summary>A serial the registry could hold; anything else is simply not found, like any unknown serial.</summary>
    internal static bool IsChipId(string chipId) =>
        chipId.Length is > 0 and <= MaxFilterLength && !chipId.Contains('/', StringComparison.Ordinal) && !string.IsNullOrWhiteSpace(chipId);

    private static Instant? ParseInstant(string? value, string name)
    {
        if (value is null)
        {
            return null;
        }
        var parsed = InstantPattern.ExtendedIso.Parse(value);
        return parsed.Success
            ? parsed.Value
            : throw new ApiProblemException(StatusCodes.Status400BadRequest, "invalid_instant", "A time is not an ISO 8601 UTC instant.", $"{name} must look like 2026-11-20T09:00:00Z.");
    }

    private static string EncodeCursor(string chipId) => Base64Url.EncodeToString(Encoding.UTF8.GetBytes(chipId));

    private static string DecodeCursor(string cursor)
    {
        try
        {
            var chipId = Encoding.UTF8.GetString(Base64Url.DecodeFromChars(cursor));
            if (IsChipId(chipId))
            {
                return chipId;
            }
        }
        catch (FormatException)
        {
        }
        throw Paging.InvalidCursor();
    }

    /// <summary>
    /// Folds the stream within the time bounds and keeps the steps the caller may see. Owner and custodian are those
    /// right after each step; voids are marked as of the caller's last visible step, so a former holder learns
    /// nothing about corrections made after its holding.
    /// </summary>
    private static List<ChipHistoryEntry> History(
        string chipId, IReadOnlyList<StoredEvent> events, ChipView view, Instant? occurredBy, Instant? recordedBy, OrganisationDirectory directory,
        EventSerializerAccess serializer)
    {
        var visible = view.Events.Select(e => e.EventId).ToHashSet();
        var history = ChipHistory.Initial(chipId);
        var steps = new List<(StoredEvent Stored, ChipHistory After)>();
        foreach (var stored in events)
        {
            if ((occurredBy is { } o && stored.OccurredAt > o) || (recordedBy is { } r && stored.RecordedAt > r))
            {
                continue;
            }
            history = history.Evolve((IChipEvent)stored.Data);
            if (visible.Contains(((IChipEvent)stored.Data).EventId))
            {
                steps.Add((stored, history));
            }
        }
        var voided = steps.Count == 0 ? [] : steps[^1].After.Voided;
        return steps.Select(step =>
        {
            var e = (IChipEvent)step.Stored.Data;
            var after = step.After.State;
            var observed = e as ChipObserved;
            return new ChipHistoryEntry(
                step.Stored.Version, step.Stored.SeqId, e.EventId, step.Stored.TypeName, e.OccurredAt, step.Stored.RecordedAt,
                Organisation(directory, e.RecordedBy), Names.Of(after.Stage), after.OwnerId, after.CustodianId, after.LocationCountry,
                ShipmentOf(e, directory), observed is not null, observed?.ConflictCode, voided.Contains(e.EventId),
                (e as ChipEventVoided)?.VoidedEventId, serializer.ToJson(e));
        }).ToList();
    }

    private static OrganisationRef Organisation(OrganisationDirectory directory, string id) =>
        directory.Find(id) is { } organisation ? new OrganisationRef(id, organisation.Name, organisation.Country) : new OrganisationRef(id, null, null);

    private static ShipmentFacts? ShipmentOf(IChipEvent e, OrganisationDirectory directory) => e switch
    {
        ChipShipped s => new ShipmentFacts(s.DestinationCountry, Organisation(directory, s.ConsigneeId), s.EndUserId, s.AuthorisationNumber,
            s.LicenceCheck.ToCode(), s.LicenceRequirementCode, s.LicenceCheckDetail, null),
        ChipReturned r => new ShipmentFacts(r.DestinationCountry, Organisation(directory, r.ManufacturerId), null, null,
            LicenceCheckResult.NoneNeeded.ToCode(), null, null, r.RmaNumber),
        _ => null,
    };

    private static readonly object StateExample = new
    {
        chipId = "nvidia:1652223004561", version = 7, view = ChipViews.Current, asOfYourHolding = false, stage = "installed",
        modelId = "nvidia-h100-sxm", manufacturerId = "nvidia", lotId = "lot-2026-11-a", ownerId = "op-colossus", custodianId = "op-colossus",
        locationCountry = "US", offer = (object?)null, shipment = (object?)null,
        installation = new { facilityId = "memphis-1", operatorId = "op-colossus", country = "US", clusterId = "c1", rack = "r12", installedAt = "2026-11-18T10:00:00Z" },
        tenancy = (object?)null,
        lastAttestation = new { facilityId = "memphis-1", method = "rtt", roundTripMs = 4.2m, landmarkId = "lm-mem", signature = "valid", at = "2026-11-20T08:00:00Z" },
        assemblyId = (string?)null, missing = (string?)null, hold = (object?)null, illegitimacy = (object?)null, observations = 0, conflictingObservations = 0,
    };

    private static readonly object HistoryExample = new
    {
        chipId = "nvidia:1652223004561", version = 3, view = ChipViews.AsOfYourHolding, asOfYourHolding = true, asOf = (string?)null, knownAt = (string?)null,
        entries = new object[]
        {
            new
            {
                version = 2, seqId = 1040, eventId = "0193a5e2-7c1d-7b3e-9f10-2c4d5e6f7a8a", type = "chip_sale_accepted",
                occurredAt = "2026-11-19T09:00:00Z", recordedAt = "2026-11-19T09:00:01.1Z",
                actingOrganisation = new { id = "dist-1", name = "Example Distribution Ltd", country = "SG" },
                stage = "in_stock", ownerId = "dist-1", custodianId = "nvidia", locationCountry = "TW", shipment = (object?)null,
                observation = false, conflictCode = (string?)null, voided = false, voidsEventId = (string?)null,
                data = new { eventId = "0193a5e2-7c1d-7b3e-9f10-2c4d5e6f7a8a", chipId = "nvidia:1652223004561", sellerId = "nvidia", buyerId = "dist-1" },
            },
            new
            {
                version = 3, seqId = 1041, eventId = "0193a5e2-7c1d-7b3e-9f10-2c4d5e6f7a8b", type = "chip_shipped",
                occurredAt = "2026-11-20T09:00:00Z", recordedAt = "2026-11-20T09:00:01.123456Z",
                actingOrganisation = new { id = "nvidia", name = "NVIDIA Corporation", country = "US" },
                stage = "in_transit", ownerId = "dist-1", custodianId = "nvidia", locationCountry = "TW",
                shipment = new
                {
                    destinationCountry = "SG", consignee = new { id = "dist-1", name = "Example Distribution Ltd", country = "SG" }, endUserId = "dist-1",
                    authorisationNumber = "D123456", licenceCheck = "ok", licenceRequirementCode = "licence_required", licenceCheckDetail = "licence D123456 covers it", rmaNumber = (string?)null,
                },
                observation = false, conflictCode = (string?)null, voided = false, voidsEventId = (string?)null,
                data = new { eventId = "0193a5e2-7c1d-7b3e-9f10-2c4d5e6f7a8b", chipId = "nvidia:1652223004561", destinationCountry = "SG" },
            },
        },
        links = ChipHistoryLinks.Of("nvidia:1652223004561"),
    };

    private static readonly ChipSummary SummaryExample = new(
        "nvidia:1652223004561", 7, "installed", "nvidia-h100-sxm", "nvidia", "lot-2026-11-a", "op-colossus", "op-colossus", "US", "memphis-1", "c1",
        null, false, false, 0, 0);
}
