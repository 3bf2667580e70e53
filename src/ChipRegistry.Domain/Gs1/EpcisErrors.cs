using ChipRegistry.Domain.Common;

namespace ChipRegistry.Domain.Gs1;

/// <summary>
/// Why an element of an EPCIS document does not map onto a chip act (docs/epcis-mapping.md). Reported per element
/// with its position; a document with one of them is rejected whole unless the caller asked to proceed.
/// </summary>
public static class EpcisErrors
{
    public const string InvalidDocument = "epcis_invalid_document";
    public const string EventTypeUnsupported = "epcis_event_type_unsupported";
    public const string QuantityUnsupported = "epcis_quantity_unsupported";
    public const string IdentifierUnsupported = "epcis_identifier_unsupported";
    public const string BizStepUnmapped = "epcis_biz_step_unmapped";
    public const string DispositionUnmapped = "epcis_disposition_unmapped";
    public const string PartyUnmapped = "epcis_party_unmapped";
    public const string LocationUnmapped = "epcis_location_unmapped";
    public const string GtinUnmapped = "epcis_gtin_unmapped";
    public const string SerialUnknown = "epcis_serial_unknown";
    public const string SerialTaken = "epcis_serial_taken";
    public const string SerialCase = "epcis_serial_case";
    public const string LotMissing = "epcis_lot_missing";
    public const string DeclaredEventUnknown = "epcis_declared_event_unknown";
    public const string InvalidEvent = "epcis_invalid_event";

    /// <summary>An eventID the caller sent before (or earlier in the document) with other content: one id, one event.</summary>
    public const string EventIdReused = "epcis_event_id_reused";

    /// <summary>The capture job named is not the caller's, or does not exist.</summary>
    public const string CaptureNotFound = "capture_not_found";

    public static IReadOnlyDictionary<string, ErrorKind> ErrorKinds { get; } = new Dictionary<string, ErrorKind>(StringComparer.Ordinal)
    {
        [InvalidDocument] = ErrorKind.Invalid,
        [EventTypeUnsupported] = ErrorKind.Invalid,
        [QuantityUnsupported] = ErrorKind.Invalid,
        [IdentifierUnsupported] = ErrorKind.Invalid,
        [BizStepUnmapped] = ErrorKind.Invalid,
        [DispositionUnmapped] = ErrorKind.Invalid,
        [PartyUnmapped] = ErrorKind.Invalid,
        [LocationUnmapped] = ErrorKind.Invalid,
        [GtinUnmapped] = ErrorKind.Invalid,
        [SerialUnknown] = ErrorKind.Invalid,
        [SerialTaken] = ErrorKind.Invalid,
        [SerialCase] = ErrorKind.Invalid,
        [LotMissing] = ErrorKind.Invalid,
        [DeclaredEventUnknown] = ErrorKind.Invalid,
        [InvalidEvent] = ErrorKind.Invalid,
        [EventIdReused] = ErrorKind.Conflict,
        [CaptureNotFound] = ErrorKind.NotFound,
    };
}
