using ChipRegistry.Api.OpenApi;
using ChipRegistry.Api.Problems;
using ChipRegistry.Api.Requests;
using ChipRegistry.Domain.Common;
using ChipRegistry.Domain.Persistence;
using ChipRegistry.EventStore;
using Microsoft.AspNetCore.Http.HttpResults;
using NodaTime;
using Npgsql;

namespace ChipRegistry.Api.Organisations;

/// <summary>A page of organisations in id order; pass <see cref="Next"/> as <c>cursor</c> for the next page (null: no more).</summary>
public sealed record OrganisationPage(IReadOnlyList<OrganisationResponse> Organisations, string? Next);

/// <summary>The directory of organisations is public to every registered caller: parties must look each other up.</summary>
public static class ReadOrganisationsEndpoints
{
    private const int MaxLimit = 200;

    public static RouteHandlerBuilder MapGetOrganisation(this RouteGroupBuilder group) =>
        group.MapGet("/{organisationId}", async Task<Ok<OrganisationResponse>> (string organisationId, RegistryReads reads, IClock clock, CancellationToken cancellationToken) =>
            (await reads.LoadOrganisationAsync(organisationId, cancellationToken)).State is { } organisation
                ? TypedResults.Ok(OrganisationResponse.From(organisation, clock.GetCurrentInstant().InUtc().Date))
                : throw DomainProblems.ToProblem(new DomainError("organisation_not_registered", $"organisation '{organisationId}' is not registered")))
        .WithName("GetOrganisation")
        .WithSummary("One organisation: name, kind, country, today's direct parent and the dated parent history.")
        .WithResponseExample(StatusCodes.Status200OK, OrganisationResponse.Example)
        .WithProblems(StatusCodes.Status401Unauthorized, StatusCodes.Status404NotFound, StatusCodes.Status429TooManyRequests);

    public static RouteHandlerBuilder MapListOrganisations(this RouteGroupBuilder group) =>
        group.MapGet("", async (string? cursor, int? limit, IEventStore store, NpgsqlDataSource dataSource, RegistryReads reads, IClock clock, CancellationToken cancellationToken) =>
        {
            var size = Paging.Size(limit, 50, MaxLimit, Paging.InvalidPage);
            // Keyset on the inline organisations table: a page is stable however many organisations are added before it.
            await using var command = dataSource.CreateCommand(
                $"select organisation_id from {store.Schema.Quoted}.organisations where organisation_id > $1 order by organisation_id limit $2");
            command.Parameters.Add(new NpgsqlParameter<string> { TypedValue = cursor ?? "" });
            command.Parameters.Add(new NpgsqlParameter<int> { TypedValue = size + 1 });
            var ids = new List<string>();
            await using (var reader = await command.ExecuteReaderAsync(cancellationToken))
            {
                while (await reader.ReadAsync(cancellationToken))
                {
                    ids.Add(reader.GetString(0));
                }
            }
            var today = clock.GetCurrentInstant().InUtc().Date;
            var organisations = new List<OrganisationResponse>();
            foreach (var id in ids.Take(size))
            {
                if ((await reads.LoadOrganisationAsync(id, cancellationToken)).State is { } organisation)
                {
                    organisations.Add(OrganisationResponse.From(organisation, today));
                }
            }
            return TypedResults.Ok(new OrganisationPage(organisations, ids.Count > size ? ids[size - 1] : null));
        })
        .WithName("ListOrganisations")
        .WithSummary("Organisations in id order, a page at a time (keyset cursor).")
        .WithResponseExample(StatusCodes.Status200OK, new OrganisationPage([OrganisationResponse.Example], "op-colossus"))
        .WithProblems(StatusCodes.Status400BadRequest, StatusCodes.Status401Unauthorized, StatusCodes.Status429TooManyRequests);
}
