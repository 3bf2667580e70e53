using ChipRegistry.EventStore;

namespace ChipRegistry.Api.Idempotency;

/// <summary>
/// Told when an idempotent request's response has been kept (committed with its events, when it appended) and before
/// a byte of it is sent: the moment at which a crash leaves a client without the answer the registry has kept, so the
/// retry must get it. The API registers none, so in production nothing runs there; the crash test's child process
/// (tests/ChipRegistry.CrashProbe) registers one that kills its own process at this point.
/// </summary>
public interface IIdempotentResponseKept
{
    Task KeptAsync(HttpContext context, StoredResponse response);
}
