using System.Text.Json;

namespace ChipRegistry.Api.Epcis;

/// <summary>One (type, value) entry of a sourceList, destinationList or bizTransactionList, with its type's CBV short name.</summary>
public sealed record EpcisTyped(string Type, string Value);

/// <summary>An event's <c>errorDeclaration</c>: it declares the event of the same eventID in error.</summary>
public sealed record EpcisErrorDeclaration(string? DeclarationTime, string Reason, IReadOnlyList<string> CorrectiveEventIds);

/// <summary>
/// The fields of one EPCIS event the mapping reads (docs/epcis-mapping.md, "Fields"), with CBV values as their short
/// names (<c>urn:epcglobal:cbv:bizstep:shipping</c> and <c>https://ref.gs1.org/cbv/BizStep-shipping</c> are both
/// <c>shipping</c>). <see cref="Raw"/> is the event as sent, kept for what the registry does not model.
/// </summary>
public sealed record EpcisEvent(
    int Index, string Type, string? Action, string? BizStep, string? Disposition, string? EventTime, string? EventTimeZoneOffset, string? EventId,
    IReadOnlyList<string> Epcs, string EpcField, string? ParentId, bool HasQuantities, string? ReadPoint, string? BizLocation,
    IReadOnlyList<EpcisTyped> Sources, IReadOnlyList<EpcisTyped> Destinations, IReadOnlyList<EpcisTyped> BizTransactions, string? LotNumber,
    EpcisErrorDeclaration? ErrorDeclaration, string Raw)
{
    public string Position => $"/epcisBody/eventList/{Index}";

    /// <summary>When the act happened: the declaration's time for an error declaration, else the event's; null if unreadable.</summary>
    public NodaTime.Instant? At =>
        (ErrorDeclaration?.DeclarationTime ?? EventTime) is { } text && NodaTime.Text.OffsetDateTimePattern.Rfc3339.Parse(text) is { Success: true } parsed
            ? parsed.Value.ToInstant()
            : null;

    private static readonly string[] BizStepPrefixes = ["urn:epcglobal:cbv:bizstep:", "https://ref.gs1.org/cbv/BizStep-", "cbv:BizStep-"];
    private static readonly string[] DispositionPrefixes = ["urn:epcglobal:cbv:disp:", "https://ref.gs1.org/cbv/Disp-", "cbv:Disp-"];
    private static readonly string[] SourceTypePrefixes = ["urn:epcglobal:cbv:sdt:", "https://ref.gs1.org/cbv/SDT-", "cbv:SDT-"];
    private static readonly string[] TransactionTypePrefixes = ["urn:epcglobal:cbv:btt:", "https://ref.gs1.org/cbv/BTT-", "cbv:BTT-"];

    public static EpcisEvent Read(int index, JsonElement e)
    {
        var epcField = e.TryGetProperty("childEPCs", out _) ? "childEPCs" : "epcList";
        return new EpcisEvent(
            index,
            String(e, "type") ?? "",
            String(e, "action"),
            Short(String(e, "bizStep"), BizStepPrefixes),
            Short(String(e, "disposition"), DispositionPrefixes),
            String(e, "eventTime"),
            String(e, "eventTimeZoneOffset"),
            String(e, "eventID"),
            Strings(e, epcField),
            epcField,
            String(e, "parentID"),
            NonEmpty(e, "quantityList") || NonEmpty(e, "childQuantityList") || NonEmpty(e, "inputQuantityList") || NonEmpty(e, "outputQuantityList"),
            Id(e, "readPoint"),
            Id(e, "bizLocation"),
            Typed(e, "sourceList", "source", SourceTypePrefixes),
            Typed(e, "destinationList", "destination", SourceTypePrefixes),
            Typed(e, "bizTransactionList", "bizTransaction", TransactionTypePrefixes),
            Lot(e),
            Declaration(e),
            e.GetRawText());
    }

    private static string? String(JsonElement e, string name) =>
        e.TryGetProperty(name, out var value) && value.ValueKind == JsonValueKind.String ? value.GetString() : null;

    private static bool NonEmpty(JsonElement e, string name) =>
        e.TryGetProperty(name, out var value) && value.ValueKind == JsonValueKind.Array && value.GetArrayLength() > 0;

    private static string[] Strings(JsonElement e, string name) =>
        e.TryGetProperty(name, out var value) && value.ValueKind == JsonValueKind.Array
            ? [.. value.EnumerateArray().Select(v => v.ValueKind == JsonValueKind.String ? v.GetString()! : v.GetRawText())]
            : [];

    private static string? Id(JsonElement e, string name) =>
        e.TryGetProperty(name, out var value) && value.ValueKind == JsonValueKind.Object ? String(value, "id") : null;

    private static EpcisTyped[] Typed(JsonElement e, string list, string valueName, string[] typePrefixes) =>
        e.TryGetProperty(list, out var value) && value.ValueKind == JsonValueKind.Array
            ? [.. value.EnumerateArray().Where(v => v.ValueKind == JsonValueKind.Object)
                .Select(v => new EpcisTyped(Short(String(v, "type"), typePrefixes) ?? "", String(v, valueName) ?? ""))]
            : [];

    private static string? Lot(JsonElement e)
    {
        if (!e.TryGetProperty("ilmd", out var ilmd) || ilmd.ValueKind != JsonValueKind.Object) return null;
        foreach (var name in (string[])["cbvmda:lotNumber", "lotNumber", "urn:epcglobal:cbv:mda:lotNumber"])
        {
            if (String(ilmd, name) is { } lot) return lot;
        }
        return null;
    }

    private static EpcisErrorDeclaration? Declaration(JsonElement e) =>
        e.TryGetProperty("errorDeclaration", out var d) && d.ValueKind == JsonValueKind.Object
            ? new EpcisErrorDeclaration(String(d, "declarationTime"), Short(String(d, "reason"), ["urn:epcglobal:cbv:er:", "https://ref.gs1.org/cbv/ER-", "cbv:ER-"]) ?? "declared in error",
                Strings(d, "correctiveEventIDs"))
            : null;

    private static string? Short(string? value, string[] prefixes)
    {
        if (value is null) return null;
        foreach (var prefix in prefixes)
        {
            if (value.StartsWith(prefix, StringComparison.Ordinal)) return value[prefix.Length..];
        }
        return value;
    }
}
