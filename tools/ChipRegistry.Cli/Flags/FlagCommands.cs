using System.CommandLine;
using System.Text.Json.Nodes;
using ChipRegistry.Cli.Api;

namespace ChipRegistry.Cli.Flags;

/// <summary>
/// <c>chipreg flags list|show|review</c>: the flag endpoints (<c>GET /api/v1/flags</c>, <c>GET /api/v1/flags/{id}</c>,
/// <c>POST /api/v1/flags/{id}/reviews</c>) for an agency key (admin keys read too).
/// </summary>
internal static class FlagCommands
{
    public static Command Create()
    {
        var api = RegistryApi.ApiOption();
        var key = RegistryApi.KeyOption("An agency API key (admin keys read, only agencies review)", "CHIPREGISTRY_KEY");
        var json = RegistryApi.JsonOption();
        var flags = new Command("flags", """
            List, show and review detection flags (docs/detection.md).

            Examples:
              chipreg flags list --rule 16 --status open
              chipreg flags list --status open --review none
              chipreg flags list --subject-kind organisation --subject-id demo-dist-hk --json
              chipreg flags show r16-0123456789abcdef0123
              chipreg flags review r16-0123456789abcdef0123 --action escalate --reason "no licence on file"

            Exit codes: 0 done, 1 the API refused (its problem document is printed), 2 bad usage, 3 the API cannot be reached.
            """);
        flags.Options.Add(api);
        flags.Options.Add(key);
        flags.Options.Add(json);

        var rule = new Option<int?>("--rule") { Description = "Only this rule's flags (1-17)." };
        var severity = new Option<string?>("--severity") { Description = "low, medium, high or critical." };
        var status = new Option<string?>("--status") { Description = "open, closed or withdrawn." };
        var reviewState = new Option<string?>("--review") { Description = "Where the latest review leaves it: none (unreviewed, or a dismissal lapsed), acknowledge, escalate or dismiss." };
        var country = new Option<string?>("--country") { Description = "The flag's country (ISO 3166 alpha-2)." };
        var subjectKind = new Option<string?>("--subject-kind") { Description = "chip, organisation, facility, cluster or country (with --subject-id)." };
        var subjectId = new Option<string?>("--subject-id") { Description = "The subject's id (with --subject-kind)." };
        var asOf = new Option<string?>("--as-of") { Description = "Open at the end of this UTC day (yyyy-MM-dd)." };
        var limit = new Option<int>("--limit") { Description = "Flags at most (default 50; pages are followed).", DefaultValueFactory = _ => 50 };
        var list = new Command("list", "List flags, filtered; one line each (id, rule, severity, status, subject, country, opened, explanation).");
        foreach (var option in new Option[] { rule, severity, status, reviewState, country, subjectKind, subjectId, asOf, limit }) list.Options.Add(option);
        list.SetAction((parseResult, cancellationToken) => RegistryApi.RunAsync(parseResult, api, key, async registry =>
        {
            var most = parseResult.GetValue(limit);
            if (most < 1) return await RegistryApi.UsageAsync("--limit is at least 1.");
            var filters = new List<string>();
            void Add(string name, string? value)
            {
                if (value is not null) filters.Add($"{name}={Uri.EscapeDataString(value)}");
            }
            Add("rule", parseResult.GetValue(rule)?.ToString(System.Globalization.CultureInfo.InvariantCulture));
            Add("severity", parseResult.GetValue(severity));
            Add("status", parseResult.GetValue(status));
            Add("review", parseResult.GetValue(reviewState));
            Add("country", parseResult.GetValue(country));
            Add("subjectKind", parseResult.GetValue(subjectKind));
            Add("subjectId", parseResult.GetValue(subjectId));
            Add("asOf", parseResult.GetValue(asOf));
            var found = new JsonArray();
            string? cursor = null;
            do
            {
                var page = Math.Min(200, most - found.Count);
                var answer = await registry.GetAsync($"api/v1/flags?{string.Join('&', [.. filters, $"limit={page}", .. cursor is null ? Array.Empty<string>() : [$"cursor={Uri.EscapeDataString(cursor)}"]])}", cancellationToken);
                if (!answer.IsSuccess) return await RegistryApi.RefusedAsync(answer);
                foreach (var flag in answer.Body!["flags"]!.AsArray()) found.Add(flag!.DeepClone());
                cursor = answer.Body!["next"]?.GetValue<string>();
            }
            while (cursor is not null && found.Count < most);
            if (parseResult.GetValue(json))
            {
                await Console.Out.WriteLineAsync(found.ToJsonString());
                return ApiExitCodes.Done;
            }
            foreach (var flag in found)
            {
                await Console.Out.WriteLineAsync(
                    $"{flag!["id"]}  rule {flag["rule"]}  {flag["severity"]}  {flag["status"]}  {flag["subject"]?["kind"]}:{flag["subject"]?["id"]}  {flag["country"]}  {flag["openedAt"]}  {flag["explanation"]}");
            }
            await Console.Error.WriteLineAsync($"{found.Count} flag(s){(cursor is null ? "" : $"; more beyond --limit {most}")}");
            return ApiExitCodes.Done;
        }));

        var flagId = new Argument<string>("flag-id") { Description = "The flag's id (rNN-...)." };
        var show = new Command("show", "One flag with its evidence events.");
        show.Arguments.Add(flagId);
        show.SetAction((parseResult, cancellationToken) => RegistryApi.RunAsync(parseResult, api, key, async registry =>
        {
            var answer = await registry.GetAsync($"api/v1/flags/{Uri.EscapeDataString(parseResult.GetRequiredValue(flagId))}", cancellationToken);
            if (!answer.IsSuccess) return await RegistryApi.RefusedAsync(answer);
            await Console.Out.WriteLineAsync(parseResult.GetValue(json) ? answer.Body!.ToJsonString() : answer.Body!.ToJsonString(RegistryApi.Indented));
            return ApiExitCodes.Done;
        }));

        var reviewed = new Argument<string>("flag-id") { Description = "The flag's id (rNN-...)." };
        var action = new Option<string>("--action") { Description = "acknowledge, escalate or dismiss.", Required = true };
        var reason = new Option<string>("--reason") { Description = "Why (recorded with the review).", Required = true };
        var review = new Command("review", "Acknowledge, escalate or dismiss a flag (agency keys), with the reason.");
        review.Arguments.Add(reviewed);
        review.Options.Add(action);
        review.Options.Add(reason);
        review.SetAction((parseResult, cancellationToken) => RegistryApi.RunAsync(parseResult, api, key, async registry =>
        {
            var answer = await registry.PostAsync($"api/v1/flags/{Uri.EscapeDataString(parseResult.GetRequiredValue(reviewed))}/reviews",
                new JsonObject { ["action"] = parseResult.GetRequiredValue(action), ["reason"] = parseResult.GetRequiredValue(reason) }, cancellationToken);
            if (!answer.IsSuccess) return await RegistryApi.RefusedAsync(answer);
            await Console.Out.WriteLineAsync(parseResult.GetValue(json) ? answer.Body!.ToJsonString()
                : $"{answer.Body!["id"]}: {answer.Body!["status"]}, reviewed: {answer.Body!["latestReview"]?.ToJsonString() ?? answer.Body!["review"]?.ToJsonString()}");
            return ApiExitCodes.Done;
        }));

        flags.Subcommands.Add(list);
        flags.Subcommands.Add(show);
        flags.Subcommands.Add(review);
        return flags;
    }
}
