using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;

namespace ChipRegistry.Api.Hosting;

public static class ListeningAddresses
{
    /// <summary>Prints where the API listens once the server has bound, so a person running it knows the URL.</summary>
    public static void LogListeningAddresses(this WebApplication app)
    {
        app.Lifetime.ApplicationStarted.Register(() =>
        {
            var addresses = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()?.Addresses ?? [];
            foreach (var address in addresses)
            {
                Console.Out.WriteLine($"ChipRegistry API listening on {address} (try {address.TrimEnd('/')}/health)");
            }
        });
    }
}
