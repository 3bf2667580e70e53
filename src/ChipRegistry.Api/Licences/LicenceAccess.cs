using System.Security.Claims;
using ChipRegistry.Api.Callers;
using ChipRegistry.Api.Keys;
using ChipRegistry.Api.Problems;
using ChipRegistry.Domain.Common;
using ChipRegistry.Domain.Licences;
using ChipRegistry.Domain.Persistence;

namespace ChipRegistry.Api.Licences;

/// <summary>
/// A licence is read by agencies, the registry and the organisations it names (holder, consignee, end user);
/// to anyone else it is answered as if it did not exist, so licence ids cannot be probed.
/// </summary>
public static class LicenceAccess
{
    public static bool CanSee(this ClaimsPrincipal user, Licence licence)
    {
        var caller = user.OrganisationId();
        return user.ReadsEverything() || caller == licence.HolderId || caller == licence.ConsigneeId || caller == licence.EndUserId;
    }

    public static async Task<Licence> LoadVisibleLicenceAsync(this RegistryReads reads, string licenceId, ClaimsPrincipal user, CancellationToken cancellationToken) =>
        (await reads.LoadLicenceAsync(licenceId, cancellationToken)).State is { } licence && user.CanSee(licence)
            ? licence
            : throw DomainProblems.ToProblem(new DomainError("licence_not_found", $"licence '{licenceId}' does not exist"));

    /// <summary>A notification is read like a licence: by agencies, the registry, its exporter and the consignee and end user it names.</summary>
    public static bool CanSee(this ClaimsPrincipal user, ExportNotification notification)
    {
        var caller = user.OrganisationId();
        return user.ReadsEverything() || caller == notification.ExporterId || caller == notification.ConsigneeId || caller == notification.EndUserId;
    }

    public static async Task<ExportNotification> LoadVisibleNotificationAsync(this RegistryReads reads, string notificationId, ClaimsPrincipal user, CancellationToken cancellationToken) =>
        (await reads.LoadNotificationAsync(notificationId, cancellationToken)).State is { } notification && user.CanSee(notification)
            ? notification
            : throw NotificationNotFound(notificationId);

    /// <summary>The one refusal for a notification the caller may not use, so a hidden one answers exactly as an unknown id.</summary>
    public static ApiProblemException NotificationNotFound(string notificationId) =>
        DomainProblems.ToProblem(new DomainError("notification_not_found", $"notification '{notificationId}' does not exist"));

    /// <summary>Every organisation a licence or notification names must be registered: the licence check follows their parents.</summary>
    public static async Task RequireRegisteredAsync(this RegistryReads reads, IEnumerable<string> organisationIds, CancellationToken cancellationToken)
    {
        foreach (var id in organisationIds.Distinct(StringComparer.Ordinal))
        {
            if ((await reads.LoadOrganisationAsync(id, cancellationToken)).State is null)
            {
                throw DomainProblems.ToProblem(new DomainError("organisation_not_registered", $"organisation '{id}' is not registered"));
            }
        }
    }

    public static async Task RequireModelsAsync(this RegistryReads reads, IEnumerable<string> modelIds, CancellationToken cancellationToken)
    {
        foreach (var id in modelIds.Distinct(StringComparer.Ordinal))
        {
            if ((await reads.LoadModelAsync(id, cancellationToken)).State is null)
            {
                throw DomainProblems.ToProblem(new DomainError("model_not_registered", $"model '{id}' is not registered"));
            }
        }
    }
}
