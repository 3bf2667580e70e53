namespace ChipRegistry.Cli.Seed;

/// <summary>
/// The ids the world's organisations, facilities, models and chips get in the registry: the world's own behind a
/// prefix (<c>demo-</c> by default), so a demo world never takes a name a real organisation might hold and every demo
/// organisation is told apart at a glance. A model id starts with its manufacturer's id, and a chip id with its
/// manufacturer's, so both carry the prefix too; lot, licence, notification and cluster ids carry the seed's tag.
/// </summary>
internal sealed class DemoIds(string prefix)
{
    public string Prefix => prefix;

    public string Organisation(string id) => prefix + id;

    public string Facility(string id) => prefix + id;

    public string Model(string id) => prefix + id;

    public string Chip(string id) => prefix + id;
}
