using ChipRegistry.Api.OpenApi;
using ChipRegistry.Domain.Persistence;
using Microsoft.AspNetCore.Http.HttpResults;

namespace ChipRegistry.Api.Licences;

public static class GetExportNotificationEndpoint
{
    public static RouteHandlerBuilder MapGetExportNotification(this RouteGroupBuilder group) =>
        group.MapGet("/notifications/{notificationId}", async Task<Ok<NotificationResponse>> (string notificationId, HttpContext context, RegistryReads reads, CancellationToken cancellationToken) =>
            TypedResults.Ok(NotificationResponse.From(await reads.LoadVisibleNotificationAsync(notificationId, context.User, cancellationToken))))
        .WithName("GetExportNotification")
        .WithSummary("An export notification (agencies, the registry, and the exporter, consignee and end user it names; others get 404).")
        .WithResponseExample(StatusCodes.Status200OK, NotificationResponse.Example)
        .WithProblems(StatusCodes.Status401Unauthorized, StatusCodes.Status404NotFound, StatusCodes.Status429TooManyRequests);
}
