namespace ChipRegistry.Cli.Import.Csv;

/// <summary>One act a CSV row can record: its <c>act</c> value, the batch route it goes to, and the columns it takes.</summary>
internal sealed record CsvAct(string Name, string Route, IReadOnlySet<string> Columns);

/// <summary>
/// The columns of an import CSV (docs/import.md): <c>act</c>, <c>chip_id</c>, <c>occurred_at</c>, and the columns of
/// each act, named as the batch item's JSON field in snake case. A row fills only its act's columns.
/// </summary>
internal static class CsvColumns
{
    public const string Act = "act";
    public const string ChipId = "chip_id";
    public const string OccurredAt = "occurred_at";

    public static IReadOnlyDictionary<string, CsvAct> Acts { get; } = new[]
    {
        new CsvAct("sale-offer", "sale-offers", Set("buyer_id")),
        new CsvAct("sale-acceptance", "sale-acceptances", Set()),
        new CsvAct("shipment", "shipments", Set("destination_country", "consignee_id", "end_user_id", "bill_to_id", "ship_to_id", "payer_id", "licence_id", "notification_id")),
        new CsvAct("receipt", "receipts", Set("country")),
        new CsvAct("installation", "installations", Set("facility_id", "cluster_id", "rack")),
        new CsvAct("tenancy", "tenancies", Set("tenant_id", "from", "to")),
    }.ToDictionary(a => a.Name, StringComparer.Ordinal);

    /// <summary>Every column a header may name.</summary>
    public static IReadOnlySet<string> All { get; } = new HashSet<string>([Act, ChipId, OccurredAt, .. Acts.Values.SelectMany(a => a.Columns)], StringComparer.Ordinal);

    /// <summary><c>end_user_id</c> is sent as <c>endUserId</c>.</summary>
    public static string JsonFieldOf(string column)
    {
        var parts = column.Split('_');
        return parts[0] + string.Concat(parts.Skip(1).Select(p => char.ToUpperInvariant(p[0]) + p[1..]));
    }

    /// <summary>The column a batch item's JSON field came from, or null for a field no column fills.</summary>
    public static string? ColumnOf(string jsonField) =>
        All.FirstOrDefault(c => string.Equals(JsonFieldOf(c), jsonField, StringComparison.OrdinalIgnoreCase));

    private static HashSet<string> Set(params string[] columns) => new([ChipId, OccurredAt, .. columns], StringComparer.Ordinal);
}
