namespace ChipRegistry.LocalPostgres;

/// <summary>A local cluster could not be found, installed, created, started or stopped.</summary>
public sealed class LocalPostgresException(string message) : Exception(message);
