namespace ChipRegistry.Domain.Common;

/// <summary>A rejected command: a stable snake_case <see cref="Code"/> for machines and a message for people.</summary>
public sealed record DomainError(string Code, string Message)
{
    public override string ToString() => $"{Code}: {Message}";
}
