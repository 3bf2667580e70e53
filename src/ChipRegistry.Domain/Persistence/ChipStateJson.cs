using System.Text.Json;
using ChipRegistry.Domain.Chips;
using ChipRegistry.EventStore;

namespace ChipRegistry.Domain.Persistence;

/// <summary>
/// <see cref="ChipState"/> as the <c>chip_state.state</c> column keeps it: the events' own JSON rules (snake_case,
/// enums by name, NodaTime times), so the row reads back into exactly the state the stream folds into.
/// </summary>
public static class ChipStateJson
{
    public static JsonSerializerOptions Options { get; } = Create();

    public static string Write(ChipState state) => JsonSerializer.Serialize(state, Options);

    private static JsonSerializerOptions Create()
    {
        var options = EventSerializer.CreateDefaultOptions();
        options.MakeReadOnly(populateMissingResolver: true);
        return options;
    }
}
