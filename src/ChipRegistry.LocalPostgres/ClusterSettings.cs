namespace ChipRegistry.LocalPostgres;

/// <summary>How a local cluster is configured when it is created.</summary>
public sealed record ClusterSettings
{
    /// <summary>
    /// Durability off: a throwaway test cluster loses nothing it needs on a crash, and these three
    /// settings are most of the cost of a commit.
    /// </summary>
    public bool Durable { get; init; } = true;

    /// <summary>Parallel test processes each hold Npgsql pools; the server default of 100 is too small.</summary>
    public int MaxConnections { get; init; } = 300;

    /// <summary>A TCP port on 127.0.0.1, or null for the Unix socket alone (no port to race for).</summary>
    public int? TcpPort { get; init; }

    public string SharedBuffers { get; init; } = "128MB";

    public static ClusterSettings Throwaway => new() { Durable = false };

    public static ClusterSettings Persistent(int tcpPort) => new() { Durable = true, TcpPort = tcpPort, MaxConnections = 200, SharedBuffers = "256MB" };

    /// <summary>The socket's file is named after the port even when TCP is off; each cluster has its own directory.</summary>
    internal int SocketPort => TcpPort ?? 5432;

    internal IEnumerable<string> ConfigurationLines(string socketDirectory)
    {
        yield return $"listen_addresses = '{(TcpPort is null ? "" : "127.0.0.1")}'";
        yield return $"port = {SocketPort}";
        yield return $"unix_socket_directories = '{socketDirectory}'";
        yield return $"max_connections = {MaxConnections}";
        yield return $"shared_buffers = {SharedBuffers}";
        yield return "log_min_messages = warning";
        if (!Durable)
        {
            yield return "fsync = off";
            yield return "synchronous_commit = off";
            yield return "full_page_writes = off";
        }
    }
}
