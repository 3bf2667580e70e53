using ChipRegistry.EventStore.Tests.Support;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using static ChipRegistry.EventStore.Tests.Daemon.DaemonTestKit;

namespace ChipRegistry.EventStore.Tests.Daemon;

public sealed class HostingTests(StoreFixture fixture) : IClassFixture<StoreFixture>
{
    [Fact]
    public async Task a_host_runs_the_registered_daemon_until_it_stops()
    {
        var store = await fixture.StartStoreAsync();
        var chain = new ChainProjection("chain");
        var builder = Host.CreateApplicationBuilder();
        builder.Services.AddSingleton(store);
        builder.Services.AddProjectionDaemon(_ => Options(new AsyncProjectionRegistration(chain)));
        using var host = builder.Build();
        await host.StartAsync(Cancel);
        var daemon = host.Services.GetRequiredService<ProjectionDaemon>();

        await AppendAsync(store, "a", 40);
        await CatchUpAsync(daemon);
        AssertSameChain(await ExpectedChainAsync(fixture.DataSource, store.Schema), await ReadChainAsync(fixture.DataSource, store.Schema, chain));

        await host.StopAsync(Cancel);
        await AppendAsync(store, "b", 5);
        var health = await daemon.GetHealthAsync(Cancel);
        Assert.Equal(40, health.Projections.Single().Checkpoint);
        Assert.False(health.Projections.Single().LeadingHere);
    }
}
