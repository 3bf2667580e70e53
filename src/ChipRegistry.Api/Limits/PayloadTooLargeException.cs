namespace ChipRegistry.Api.Limits;

/// <summary>The request body passed its endpoint's limit while being read.</summary>
public sealed class PayloadTooLargeException(long limit) : Exception($"The request body is larger than {limit} bytes.")
{
    public long Limit { get; } = limit;
}
