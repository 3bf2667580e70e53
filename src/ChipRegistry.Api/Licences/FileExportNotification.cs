using ChipRegistry.Api.Callers;
using ChipRegistry.Api.OpenApi;
using ChipRegistry.Api.Problems;
using ChipRegistry.Api.Requests;
using ChipRegistry.Domain.Common;
using ChipRegistry.Domain.Licences;
using ChipRegistry.Domain.Persistence;
using Microsoft.AspNetCore.Http.HttpResults;

namespace ChipRegistry.Api.Licences;

/// <summary><paramref name="Kind"/> is <c>nac</c> or <c>aca</c>; TPP and performance density come from the model's effective spec, never from the request.</summary>
public sealed record FileExportNotificationRequest(
    string NotificationId, string Kind, string Number, string ConsigneeId, string EndUserId, string Destination, string ModelId, NodaTime.OffsetDateTime? OccurredAt = null);

public sealed record NotificationResponse(
    string NotificationId, string Kind, string Number, string ExporterId, string ConsigneeId, string EndUserId, string Destination, string ModelId,
    decimal? Tpp, decimal? PerformanceDensity, bool DataCenterDesign)
{
    public static NotificationResponse From(ExportNotification n) => new(
        n.Id, n.Kind.ToString().ToLowerInvariant(), n.Number, n.ExporterId, n.ConsigneeId, n.EndUserId, n.Destination, n.ModelId, n.Tpp, n.PerformanceDensity, n.DataCenterDesign);

    public static readonly NotificationResponse Example = new("nac-2026-0007", "nac", "A123456", "dist-1", "op-kl", "op-kl", "MY", "nvidia-h20", 2368m, 2.9m, true);
}

public static class FileExportNotificationEndpoint
{
    public static RouteHandlerBuilder MapFileExportNotification(this RouteGroupBuilder group) =>
        group.MapPost("/notifications", async Task<Created<NotificationResponse>> (HttpContext context, CommandPipeline commands, RegistryReads reads, CancellationToken cancellationToken) =>
        {
            var body = await context.Request.ReadAsync<FileExportNotificationRequest>(cancellationToken);
            RequestFields.NewId(body.NotificationId, "notificationId", "invalid_notification");
            var kind = body.Kind switch
            {
                "nac" => NotificationKind.Nac,
                "aca" => NotificationKind.Aca,
                _ => throw new ApiProblemException(StatusCodes.Status422UnprocessableEntity, "unknown_notification_kind", "The notification kind is not one the registry knows.", "Use nac or aca."),
            };
            var at = context.BusinessTime(body.OccurredAt);
            var spec = (await reads.LoadModelAsync(body.ModelId, cancellationToken)).State?.EffectiveSpecAt(at)
                ?? throw DomainProblems.ToProblem(new DomainError("model_not_registered", $"model '{body.ModelId}' is not registered"));
            await reads.RequireRegisteredAsync([body.ConsigneeId, body.EndUserId], cancellationToken);
            var command = new FileExportNotification(body.NotificationId, kind, body.Number, body.ConsigneeId, body.EndUserId, body.Destination, spec, context.User.Actor(), at);
            var written = (await commands.HandleAsync(command, context.CommandMetadata(), cancellationToken)).EnsureAccepted();
            var filed = written.NotificationAfter(body.NotificationId);
            return TypedResults.Created((string?)null, NotificationResponse.From(filed));
        })
        .RequireAuthorization(policy => policy.RequireRole(LicenceEndpoints.ExporterRoles))
        .Accepts<FileExportNotificationRequest>("application/json").WithName("FileExportNotification")
        .WithSummary("File a NAC or ACA export notification as the exporter (any role that holds chips; not agencies or the registry).")
        .WithRequestExample(new FileExportNotificationRequest("nac-2026-0007", "nac", "A123456", "op-kl", "op-kl", "MY", "nvidia-h20"))
        .WithResponseExample(StatusCodes.Status201Created, NotificationResponse.Example)
        .WithProblems(StatusCodes.Status400BadRequest, StatusCodes.Status401Unauthorized, StatusCodes.Status403Forbidden, StatusCodes.Status404NotFound, StatusCodes.Status409Conflict,
            StatusCodes.Status413PayloadTooLarge, StatusCodes.Status415UnsupportedMediaType, StatusCodes.Status422UnprocessableEntity, StatusCodes.Status429TooManyRequests);
}
