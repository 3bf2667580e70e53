using System.Text.RegularExpressions;
using ChipRegistry.Domain.Organisations;
using ChipRegistry.Domain.Persistence;
using Microsoft.Extensions.DependencyInjection;

namespace ChipRegistry.Api.Tests.Authorization;

/// <summary>A 4xx a test received: who asked, what it sent (path, query and body), what came back.</summary>
public sealed record Refusal(string Cell, string CallerId, string Request, string Body);

/// <summary>
/// A refusal must not tell the caller who owns, holds, operates, was offered or put a hold on something
/// (design.md, "Security model"): no 4xx body names an organisation other than the caller or one its own request named.
/// </summary>
public static class OrganisationLeaks
{
    /// <summary>Every refusal that names a registered organisation other than the caller or one its request named.</summary>
    public static async Task<List<string>> FindAsync(ApiFixture host, IReadOnlyList<Refusal> refusals)
    {
        var directory = await host.Services.GetRequiredService<RegistryReads>().LoadOrganisationDirectoryAsync(TestContext.Current.CancellationToken);
        // The registry's own id is also an ordinary word of the registry's messages ("not in the registry").
        var organisations = directory.All.Select(o => o.Id).Where(id => id != BuiltInOrganisations.RegistryId).ToList();
        var leaks = new List<string>();
        foreach (var refusal in refusals)
        {
            foreach (var id in organisations)
            {
                if (id != refusal.CallerId && Names(refusal.Body, id) && !Names(refusal.Request, id))
                {
                    leaks.Add($"{refusal.Cell}: names {id}: {refusal.Body}");
                }
            }
        }
        return leaks;
    }

    /// <summary>
    /// Whether <paramref name="text"/> names the id as a whole token: not as a part of a longer id, nor as the
    /// manufacturer prefix of a serial (<c>nvidia:1652223004561</c>), which the serial itself carries.
    /// </summary>
    public static bool Names(string text, string id) =>
        Regex.IsMatch(text, $"(?<![A-Za-z0-9_:.-]){Regex.Escape(id)}(?![A-Za-z0-9_-]|:[^\\s\"])", RegexOptions.CultureInvariant);
}
