namespace ChipRegistry.EventStore;

/// <summary>
/// One numbered schema change. <see cref="Module"/> keeps the store's own versions apart from
/// those of other modules (the domain's projection tables, a test's extra table). In
/// <see cref="Sql"/>, <c>{schema}</c> stands for the quoted schema name.
/// </summary>
public sealed record Migration(string Module, int Version, string Name, string Sql)
{
    public const string SchemaToken = "{schema}";
}
