using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using System.Threading.RateLimiting;
using ChipRegistry.Api.Problems;
using Microsoft.AspNetCore.RateLimiting;

namespace ChipRegistry.Api.Limits;

/// <summary>Per-key request budget: a token bucket per API key (per client address without one).</summary>
public sealed class RateLimitOptions
{
    public const string Section = "Registry:RateLimit";

    /// <summary>Sustained requests per second for one key.</summary>
    public int PermitsPerSecond { get; set; } = 50;

    /// <summary>How many requests one key may send at once before the sustained rate applies.</summary>
    public int Burst { get; set; } = 200;

    /// <summary>Verification's own, tighter budget (<c>Registry:RateLimit:Verification</c>), on top of the general one.</summary>
    public VerificationRateLimitOptions Verification { get; set; } = new();
}

/// <summary>
/// Verification answers whether a serial exists, so a key gets a small budget per minute: enough to check a
/// delivery as it is received, far too little to walk the serial space.
/// </summary>
public sealed class VerificationRateLimitOptions
{
    public int PermitsPerMinute { get; set; } = 30;

    public int Burst { get; set; } = 10;
}

public static class RateLimits
{
    /// <summary>The policy name verification endpoints require (<c>RequireRateLimiting</c>).</summary>
    public const string VerificationPolicy = "verification";

    public static WebApplicationBuilder AddRateLimits(this WebApplicationBuilder builder)
    {
        var settings = builder.Configuration.GetSection(RateLimitOptions.Section).Get<RateLimitOptions>() ?? new RateLimitOptions();
        builder.Services.AddRateLimiter(options =>
        {
            options.GlobalLimiter = PartitionedRateLimiter.Create<HttpContext, string>(context =>
                RateLimitPartition.GetTokenBucketLimiter(PartitionKey(context), _ => new TokenBucketRateLimiterOptions
                {
                    TokenLimit = settings.Burst,
                    TokensPerPeriod = settings.PermitsPerSecond,
                    ReplenishmentPeriod = TimeSpan.FromSeconds(1),
                    QueueLimit = 0,
                    AutoReplenishment = true,
                }));
            options.AddPolicy(VerificationPolicy, context =>
                RateLimitPartition.GetTokenBucketLimiter(PartitionKey(context), _ => new TokenBucketRateLimiterOptions
                {
                    TokenLimit = settings.Verification.Burst,
                    TokensPerPeriod = settings.Verification.PermitsPerMinute,
                    ReplenishmentPeriod = TimeSpan.FromMinutes(1),
                    QueueLimit = 0,
                    AutoReplenishment = true,
                }));
            options.OnRejected = async (context, cancellationToken) =>
            {
                var retryAfter = context.Lease.TryGetMetadata(MetadataName.RetryAfter, out var wait) ? wait : TimeSpan.FromSeconds(1);
                var seconds = Math.Max(1, (int)Math.Ceiling(retryAfter.TotalSeconds));
                context.HttpContext.Response.Headers.RetryAfter = seconds.ToString(CultureInfo.InvariantCulture);
                await ApiProblems.Result(StatusCodes.Status429TooManyRequests, "rate_limited", "Too many requests for this key.", $"Retry after {seconds} s.")
                    .ExecuteAsync(context.HttpContext);
            };
        });
        return builder;
    }

    /// <summary>A hash of the presented key, so raw keys are never kept as dictionary keys in memory.</summary>
    private static string PartitionKey(HttpContext context)
    {
        var authorization = context.Request.Headers.Authorization.ToString();
        if (authorization.Length > 0)
        {
            return "key:" + Convert.ToHexString(SHA256.HashData(Encoding.UTF8.GetBytes(authorization)));
        }
        return "address:" + (context.Connection.RemoteIpAddress?.ToString() ?? "unknown");
    }
}
