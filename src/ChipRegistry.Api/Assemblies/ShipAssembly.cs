using ChipRegistry.Api.Callers;
using ChipRegistry.Api.Keys;
using ChipRegistry.Api.Licences;
using ChipRegistry.Api.OpenApi;
using ChipRegistry.Api.Problems;
using ChipRegistry.Api.Requests;
using ChipRegistry.Domain.Assemblies;
using ChipRegistry.Domain.Catalog;
using ChipRegistry.Domain.Common;
using ChipRegistry.Domain.Licences;
using ChipRegistry.Domain.Organisations;
using ChipRegistry.Domain.Persistence;
using ChipRegistry.EventStore;
using Microsoft.AspNetCore.Http.HttpResults;
using NodaTime;

namespace ChipRegistry.Api.Assemblies;

/// <summary>
/// The parties of the shipment and, when the destination needs one, the licence or notification it cites by id
/// (the authorisation number recorded is that licence's or notification's own).
/// </summary>
public sealed record ShipAssemblyRequest(
    string DestinationCountry, string ConsigneeId, string EndUserId, string BillToId, string ShipToId, string PayerId,
    string? LicenceId = null, string? NotificationId = null, OffsetDateTime? OccurredAt = null);

public static class ShipAssemblyEndpoint
{
    public static RouteHandlerBuilder MapShipAssembly(this RouteGroupBuilder group) =>
        group.MapPost("/{assemblyId}/shipments", async Task<Ok<AssemblyResponse>> (string assemblyId, HttpContext context, CommandPipeline commands, RegistryReads reads, CancellationToken cancellationToken) =>
        {
            var body = await context.Request.ReadAsync<ShipAssemblyRequest>(cancellationToken);
            if (body.LicenceId is not null && body.NotificationId is not null)
            {
                throw new ApiProblemException(StatusCodes.Status422UnprocessableEntity, "invalid_shipment", "A shipment cites one licence or one notification, not both.");
            }
            var at = context.BusinessTime(body.OccurredAt);
            var assembly = await reads.LoadHeldAssemblyAsync(assemblyId, context.User, cancellationToken);
            var date = at.InUtc().Date;
            var directory = await reads.LoadOrganisationDirectoryAsync(cancellationToken);
            var consignee = Jurisdiction(directory, body.ConsigneeId, date);
            var endUser = Jurisdiction(directory, body.EndUserId, date);
            var licence = body.LicenceId is { } licenceId ? await reads.LoadVisibleLicenceAsync(licenceId, context.User, cancellationToken) : null;
            var notification = body.NotificationId is { } notificationId ? await LoadOwnNotificationAsync(reads, notificationId, context.User.OrganisationId(), cancellationToken) : null;
            var number = licence?.Number ?? notification?.Number;
            var models = await ModelsOfAsync(reads, assembly, at, cancellationToken);
            var eventId = Guid.CreateVersion7();
            for (var attempt = 1; ; attempt++)
            {
                // The count is read afresh for each try: a shipment under the same licence that commits first makes
                // the append fail (licence usage), and the check must then count that shipment too.
                var alreadyShipped = number is null ? 0 : await reads.CountShippedUnderLicenceAsync(number, cancellationToken);
                var command = new ShipAssembly(eventId, assemblyId, body.DestinationCountry, body.ConsigneeId, body.EndUserId, body.BillToId, body.ShipToId, body.PayerId,
                    number, models, consignee, endUser, licence, notification, alreadyShipped, context.User.Actor(), at);
                try
                {
                    var written = (await commands.HandleAsync(command, context.CommandMetadata(), cancellationToken)).EnsureAccepted();
                    return TypedResults.Ok(AssemblyResponse.From(written.AssemblyAfter(assemblyId)));
                }
                catch (StreamVersionConflictException) when (attempt < CommandPipeline.MaxAttempts && number is not null)
                {
                }
            }
        })
        .RequireAuthorization(policy => policy.RequireRole(AssemblyEndpoints.HolderRoles))
        .Accepts<ShipAssemblyRequest>("application/json").WithName("ShipAssembly")
        .WithSummary("Ship an assembly the caller holds, and every chip in it, to a named consignee; each chip's licence check is recorded.")
        .WithRequestExample(new ShipAssemblyRequest("MY", "op-kl", "op-kl", "op-kl", "op-kl", "op-kl", LicenceId: "lic-2026-0042"))
        .WithResponseExample(StatusCodes.Status200OK, AssemblyResponse.Example with { Stage = "in_transit", ConsigneeId = "op-kl" })
        .WithProblems(StatusCodes.Status400BadRequest, StatusCodes.Status401Unauthorized, StatusCodes.Status403Forbidden, StatusCodes.Status404NotFound, StatusCodes.Status409Conflict,
            StatusCodes.Status413PayloadTooLarge, StatusCodes.Status415UnsupportedMediaType, StatusCodes.Status422UnprocessableEntity, StatusCodes.Status429TooManyRequests);

    private static PartyJurisdiction Jurisdiction(OrganisationDirectory directory, string organisationId, LocalDate date) =>
        directory.Jurisdiction(organisationId, date)
        ?? throw DomainProblems.ToProblem(new DomainError("organisation_not_registered", $"organisation '{organisationId}' is not registered"));

    /// <summary>A notification is the exporter's own filing; another exporter's is answered as unknown.</summary>
    private static async Task<ExportNotification> LoadOwnNotificationAsync(RegistryReads reads, string notificationId, string caller, CancellationToken cancellationToken) =>
        (await reads.LoadNotificationAsync(notificationId, cancellationToken)).State is { } notification && notification.ExporterId == caller
            ? notification
            : throw LicenceAccess.NotificationNotFound(notificationId);

    /// <summary>The spec in force on the ship date of every model packed in the assembly: the licence check classifies each chip by it.</summary>
    private static async Task<IReadOnlyDictionary<string, AcceleratorSpec>> ModelsOfAsync(RegistryReads reads, Assembly assembly, Instant at, CancellationToken cancellationToken)
    {
        var chips = await reads.LoadChipsAsync(assembly.ChipIds, cancellationToken);
        var specs = new Dictionary<string, AcceleratorSpec>(StringComparer.Ordinal);
        foreach (var modelId in chips.Values.Select(c => c.State.ModelId).OfType<string>().Distinct(StringComparer.Ordinal))
        {
            if ((await reads.LoadModelAsync(modelId, cancellationToken)).State?.EffectiveSpecAt(at) is { } spec)
            {
                specs[modelId] = spec;
            }
        }
        return specs;
    }
}
