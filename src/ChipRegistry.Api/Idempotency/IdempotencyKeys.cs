using System.Security.Cryptography;
using System.Text;
using ChipRegistry.Api.Keys;
using ChipRegistry.Api.Problems;
using ChipRegistry.EventStore;
using Microsoft.Net.Http.Headers;
using Npgsql;

namespace ChipRegistry.Api.Idempotency;

/// <summary>
/// What a handler needs to make its append idempotent under the caller's Idempotency-Key: the key, the request's hash,
/// and the <see cref="EventStore.ResponseCommit"/> its append hands its transaction to, so the response is committed
/// with the events.
/// </summary>
public sealed record IdempotencyRequest(string Organisation, string Key, byte[] RequestHash, ResponseCommit ResponseCommit);

/// <summary>
/// <c>Idempotency-Key</c> on POST: the first successful response (status, <c>Content-Type</c>, <c>ETag</c>,
/// <c>Location</c> and body bytes) is kept 30 days under (organisation, key) with a hash of the request, and replayed to
/// a retry byte for byte; another request under the same key is 422 <c>idempotency_key_reused</c>; a failed request
/// keeps nothing, so the key stays free. A request that appends commits its events and its response in one
/// transaction: the append waits (<see cref="ResponseCommit"/>) until the response is written into a buffer, the
/// response is stored beside the events, the transaction commits, and only then is the response sent. A process that
/// dies after that commit has kept what a retry gets; one that dies before it has kept nothing. A request that appends
/// nothing keeps its response after the handler. A concurrent duplicate waits for the first on a transaction-free
/// advisory lock keyed by (schema, organisation, key).
/// </summary>
public static class IdempotencyKeys
{
    public const string Header = "Idempotency-Key";
    private const int MaxKeyLength = 200;

    public static IApplicationBuilder UseIdempotencyKeys(this IApplicationBuilder app) => app.Use(async (context, next) =>
    {
        var key = context.Request.Headers[Header].ToString();
        if (!HttpMethods.IsPost(context.Request.Method) || key.Length == 0 || context.User.Identity?.IsAuthenticated != true)
        {
            await next(context);
            return;
        }
        if (key.Length > MaxKeyLength)
        {
            throw new ApiProblemException(StatusCodes.Status400BadRequest, "invalid_idempotency_key", "The Idempotency-Key is too long.", $"At most {MaxKeyLength} characters.");
        }
        var organisation = context.User.OrganisationId();
        var store = context.RequestServices.GetRequiredService<IEventStore>();
        var dataSource = context.RequestServices.GetRequiredService<NpgsqlDataSource>();

        // The body is read once here (within the endpoint's limit) and handed on as a buffer.
        using var body = new MemoryStream();
        await context.Request.Body.CopyToAsync(body, context.RequestAborted);
        var hash = Hash(context.Request.Method, context.Request.Path + context.Request.QueryString, body.ToArray());
        body.Position = 0;
        context.Request.Body = body;

        await using var lockConnection = await dataSource.OpenConnectionAsync(context.RequestAborted);
        await using (var acquire = new NpgsqlCommand("select pg_advisory_lock(hashtextextended($1, 0))", lockConnection))
        {
            acquire.Parameters.Add(new NpgsqlParameter { Value = $"{store.Schema}.idempotency:{organisation}:{key}" });
            await acquire.ExecuteNonQueryAsync(context.RequestAborted);
        }
        try
        {
            StoredResponse? replay;
            try
            {
                replay = await store.FindResponseAsync(organisation, key, hash, context.RequestAborted);
            }
            catch (IdempotencyKeyReusedException)
            {
                throw Reused();
            }
            if (replay is not null)
            {
                context.Response.StatusCode = replay.Status;
                foreach (var (name, value) in replay.Headers)
                {
                    context.Response.Headers[name] = value;
                }
                // Responses kept before migration 0003 kept no headers; they were all JSON.
                context.Response.ContentType ??= "application/json";
                context.Response.Headers["Idempotent-Replayed"] = "true";
                await context.Response.Body.WriteAsync(replay.Body, context.RequestAborted);
                return;
            }

            // Rolls back an append still waiting here when the request fails: a failed request keeps nothing.
            await using var commit = new ResponseCommit();
            context.Features.Set(new IdempotencyRequest(organisation, key, hash, commit));
            var original = context.Response.Body;
            using var captured = new MemoryStream();
            context.Response.Body = captured;
            StoredResponse? kept = null;
            try
            {
                await next(context);
                if (context.Response.StatusCode is >= 200 and < 300)
                {
                    kept = Kept(context.Response, captured.ToArray());
                    try
                    {
                        if (commit.HoldsAppend)
                        {
                            await commit.CommitAsync(kept, context.RequestAborted);
                        }
                        else
                        {
                            await store.SaveResponseAsync(organisation, key, hash, kept, context.RequestAborted);
                        }
                    }
                    catch (IdempotencyKeyReusedException)
                    {
                        throw Reused();
                    }
                }
            }
            finally
            {
                context.Response.Body = original;
            }
            if (kept is not null && context.RequestServices.GetService<IIdempotentResponseKept>() is { } observer)
            {
                await observer.KeptAsync(context, kept);
            }
            captured.Position = 0;
            await captured.CopyToAsync(original, context.RequestAborted);
        }
        finally
        {
            await using var release = new NpgsqlCommand("select pg_advisory_unlock(hashtextextended($1, 0))", lockConnection);
            release.Parameters.Add(new NpgsqlParameter { Value = $"{store.Schema}.idempotency:{organisation}:{key}" });
            await release.ExecuteNonQueryAsync(CancellationToken.None);
        }
    });

    /// <summary>The headers a replay repeats, as the handler set them.</summary>
    private static readonly string[] KeptHeaders = [HeaderNames.ContentType, HeaderNames.ETag, HeaderNames.Location];

    private static StoredResponse Kept(HttpResponse response, byte[] body)
    {
        var headers = new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase);
        foreach (var name in KeptHeaders)
        {
            if (response.Headers.TryGetValue(name, out var value) && value.Count > 0)
            {
                headers[name] = value.ToString();
            }
        }
        return new StoredResponse(response.StatusCode, body, headers);
    }

    private static byte[] Hash(string method, string pathAndQuery, byte[] body)
    {
        using var sha = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
        sha.AppendData(Encoding.UTF8.GetBytes($"{method} {pathAndQuery}\n"));
        sha.AppendData(body);
        return sha.GetHashAndReset();
    }

    private static ApiProblemException Reused() =>
        new(StatusCodes.Status422UnprocessableEntity, "idempotency_key_reused", "This Idempotency-Key was used for a different request.");
}
