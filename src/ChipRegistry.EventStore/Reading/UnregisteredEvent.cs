using System.Text.Json;

namespace ChipRegistry.EventStore;

/// <summary>
/// The data of a stored event whose type name this process does not register (an event type
/// retired from the code, or one a newer version added): readers can skip it instead of failing.
/// </summary>
public sealed record UnregisteredEvent(string TypeName, JsonElement Data);
