using ChipRegistry.Domain.Common;

namespace ChipRegistry.Domain.Licences;

/// <summary>The stable error codes of licence and export-notification decisions, each with its kind.</summary>
public static class LicenceErrors
{
    public const string NotAgency = "not_agency";
    public const string LicenceAlreadyGranted = "licence_already_granted";
    public const string InvalidLicence = "invalid_licence";
    public const string InvalidCountry = "invalid_country";
    public const string LicenceNotFound = "licence_not_found";
    public const string LicenceAlreadyRevoked = "licence_already_revoked";
    public const string ReasonRequired = "reason_required";
    public const string NotificationAlreadyFiled = "notification_already_filed";
    public const string NotExporter = "not_exporter";
    public const string InvalidNotificationNumber = "invalid_notification_number";
    public const string InvalidNotification = "invalid_notification";
    public const string NotificationNotFound = "notification_not_found";

    public static IReadOnlyDictionary<string, ErrorKind> ErrorKinds { get; } = new Dictionary<string, ErrorKind>(StringComparer.Ordinal)
    {
        [NotAgency] = ErrorKind.Refused,
        [LicenceAlreadyGranted] = ErrorKind.Conflict,
        [InvalidLicence] = ErrorKind.Invalid,
        [InvalidCountry] = ErrorKind.Invalid,
        [LicenceNotFound] = ErrorKind.NotFound,
        [LicenceAlreadyRevoked] = ErrorKind.Conflict,
        [ReasonRequired] = ErrorKind.Invalid,
        [NotificationAlreadyFiled] = ErrorKind.Conflict,
        [NotExporter] = ErrorKind.Conflict,
        [InvalidNotificationNumber] = ErrorKind.Invalid,
        [InvalidNotification] = ErrorKind.Invalid,
        [NotificationNotFound] = ErrorKind.NotFound,
    };
}
