using NodaTime;

namespace ChipRegistry.World.Lots;

/// <summary>A chip of the lot being lived: its id, the time of its latest act and how many acts it has had (for event ids).</summary>
internal sealed class LotChip(string id)
{
    public string Id { get; } = id;

    public Instant Last { get; set; }

    public int Acts { get; set; }
}

/// <summary>One scheduled act of a chip's installed life: acts of one kind and actor that follow each other go in one batch.</summary>
internal sealed record LotAct(Instant At, LotChip Chip, string Kind, Domain.Common.Actor Actor, Func<Guid, Instant, Domain.Chips.IChipCommand> Build);
