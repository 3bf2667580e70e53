using ChipRegistry.Domain.Persistence;
using System.Text.RegularExpressions;
using ChipRegistry.Domain.Catalog;
using ChipRegistry.Domain.Common;
using NodaTime;

namespace ChipRegistry.Domain.Licences;

public enum NotificationKind
{
    /// <summary>Notified Advanced Computing (15 CFR 740.8): notified to BIS before export.</summary>
    Nac,

    /// <summary>Advanced Computing Authorized: no notification to BIS, recorded here for the trail.</summary>
    Aca,
}

public interface IExportNotificationEvent : IDomainEvent
{
    string NotificationId { get; }
}

/// <summary>
/// A NAC/ACA notification filed by the exporter: exactly one ultimate consignee and one end user, TPP and PD
/// computed from the model's effective spec (never typed in), and the authorisation number (A + 6 digits).
/// </summary>
public sealed record ExportNotificationFiled(
    string NotificationId, NotificationKind Kind, string Number, string ExporterId, string ConsigneeId, string EndUserId,
    string Destination, string ModelId, decimal? Tpp, decimal? PerformanceDensity, bool DataCenterDesign,
    string RecordedBy, Instant OccurredAt) : IExportNotificationEvent;

public sealed record ExportNotification(
    string Id, NotificationKind Kind, string Number, string ExporterId, string ConsigneeId, string EndUserId,
    string Destination, string ModelId, decimal? Tpp, decimal? PerformanceDensity, bool DataCenterDesign)
{
    public static ExportNotification? Evolve(ExportNotification? state, IExportNotificationEvent e) => e switch
    {
        ExportNotificationFiled f when state is null => new ExportNotification(f.NotificationId, f.Kind, f.Number, f.ExporterId, f.ConsigneeId, f.EndUserId, f.Destination, f.ModelId, f.Tpp, f.PerformanceDensity, f.DataCenterDesign),
        _ => throw new InvalidOperationException($"{e.GetType().Name} cannot apply to notification {state?.Id}"),
    };
}

public sealed record FileExportNotification(
    string NotificationId, NotificationKind Kind, string Number, string ConsigneeId, string EndUserId, string Destination,
    AcceleratorSpec Model, Actor Actor, Instant At);

public static partial class ExportNotificationDecisions
{
    [GeneratedRegex("^A[0-9]{6}$")]
    private static partial Regex AuthorisationNumber();

    public static bool IsAuthorisationNumber(string number) => AuthorisationNumber().IsMatch(number);

    public static Decision<IExportNotificationEvent> Decide(FileExportNotification c, ExportNotification? state)
    {
        if (state is not null) return new DomainError(LicenceErrors.NotificationAlreadyFiled, $"notification '{c.NotificationId}' already exists");
        if (c.Actor.IsAgency) return new DomainError(LicenceErrors.NotExporter, "the exporter files the notification, not an agency");
        if (Identifiers.ProblemWithNew(c.NotificationId, "notificationId") is { } idError) return idError;
        if (!IsAuthorisationNumber(c.Number)) return new DomainError(LicenceErrors.InvalidNotificationNumber, $"'{c.Number}' is not A followed by 6 digits");
        if (string.IsNullOrWhiteSpace(c.ConsigneeId) || string.IsNullOrWhiteSpace(c.EndUserId)) return new DomainError(LicenceErrors.InvalidNotification, "exactly one ultimate consignee and one end user");
        if (Countries.Problem(c.Destination, "destination") is { } countryError) return countryError;
        var metrics = Metrics.Compute(c.Model);
        return Decision<IExportNotificationEvent>.Accept(new ExportNotificationFiled(c.NotificationId, c.Kind, c.Number, c.Actor.OrganisationId, c.ConsigneeId, c.EndUserId,
            c.Destination, c.Model.ModelId, metrics.Tpp, metrics.PerformanceDensity, c.Model.DataCenterDesign, c.Actor.OrganisationId, c.At));
    }
}

/// <summary>Filing an export notification: fold its stream, decide, append.</summary>
public static class ExportNotificationCommands
{
    public static Task<CommandResult> HandleAsync(this CommandPipeline commands, FileExportNotification command, CommandMetadata? metadata = null, CancellationToken cancellationToken = default) =>
        commands.RunEntityAsync(StreamKeys.Notification(command.NotificationId), StreamKeys.NotificationType, () => commands.Reads.LoadNotificationAsync(command.NotificationId, cancellationToken),
            state => Task.FromResult(ExportNotificationDecisions.Decide(command, state)), command.Actor, metadata, cancellationToken);
}
