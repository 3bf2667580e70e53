using System.Text.Json;
using ChipRegistry.EventStore;
using Microsoft.Extensions.DependencyInjection;
using Npgsql;

namespace ChipRegistry.Api.Tests.Authorization.Arrangements;

/// <summary>
/// Webhooks belong to the agency that subscribed: with the relation the call names the caller's own subscription (and,
/// for a redelivery, a dead delivery of it); without, another agency's. Only agencies get past the role.
/// </summary>
public sealed class WebhookArrangement(ApiFixture host) : IMatrixArrangement
{
    public IReadOnlyCollection<string> Endpoints { get; } =
    [
        "POST /api/v1/webhooks",
        "GET /api/v1/webhooks",
        "DELETE /api/v1/webhooks/{webhookId}",
        "GET /api/v1/webhooks/{webhookId}/deliveries",
        "POST /api/v1/webhooks/{webhookId}/deliveries/{deliveryId}/redeliver",
    ];

    private static readonly object Subscription = new { url = "https://192.0.2.10/registry-hooks", kinds = new[] { "opened" } };

    public async Task<ArrangedCall> ArrangeAsync(string endpoint, MatrixCaller caller, bool related)
    {
        if (endpoint == "POST /api/v1/webhooks") return new ArrangedCall("/api/v1/webhooks", Subscription);
        if (endpoint == "GET /api/v1/webhooks") return new ArrangedCall("/api/v1/webhooks");
        var owner = related && caller.Role == "agency" ? caller.Token : (await new RegistryWorld(host).AgencyAsync()).Token;
        var webhookId = await SubscribeAsync(owner);
        return endpoint switch
        {
            "DELETE /api/v1/webhooks/{webhookId}" => new ArrangedCall($"/api/v1/webhooks/{webhookId}"),
            "GET /api/v1/webhooks/{webhookId}/deliveries" => new ArrangedCall($"/api/v1/webhooks/{webhookId}/deliveries"),
            _ => new ArrangedCall($"/api/v1/webhooks/{webhookId}/deliveries/{await DeadDeliveryAsync(webhookId)}/redeliver"),
        };
    }

    private async Task<string> SubscribeAsync(string token)
    {
        using var response = await host.SendAsync(HttpMethod.Post, "/api/v1/webhooks", token, Subscription);
        var text = await response.Content.ReadAsStringAsync();
        Assert.True(response.IsSuccessStatusCode, text);
        using var created = JsonDocument.Parse(text);
        return created.RootElement.GetProperty("id").GetString()!;
    }

    /// <summary>A delivery that failed for a day, written as the dispatcher leaves one (a day of real failures is not a matrix cell's business).</summary>
    private async Task<Guid> DeadDeliveryAsync(string webhookId)
    {
        var schema = host.Services.GetRequiredService<IEventStore>().Schema.Quoted;
        var flagId = $"r16-matrix{Guid.NewGuid():N}";
        var deliveryId = Guid.NewGuid();
        await using var command = host.Services.GetRequiredService<NpgsqlDataSource>().CreateCommand(
            $"""
            with n as (insert into {schema}.webhook_notifications (flag_id, kind, body) values ($1, 'opened', $4))
            insert into {schema}.webhook_deliveries (id, subscription_id, flag_id, kind, state, attempts, rounds) values ($2, $3, $1, 'opened', 'dead', 1, 1)
            """);
        command.Parameters.Add(new NpgsqlParameter<string> { TypedValue = flagId });
        command.Parameters.Add(new NpgsqlParameter<Guid> { TypedValue = deliveryId });
        command.Parameters.Add(new NpgsqlParameter<Guid> { TypedValue = Guid.Parse(webhookId) });
        command.Parameters.Add(new NpgsqlParameter<string> { TypedValue = "{}" });
        await command.ExecuteNonQueryAsync();
        return deliveryId;
    }
}
