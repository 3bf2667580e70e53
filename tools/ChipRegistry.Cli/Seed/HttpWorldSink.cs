using System.Collections.Concurrent;
using System.Net;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using ChipRegistry.Cli.Import;
using ChipRegistry.Domain.Catalog;
using ChipRegistry.Domain.Chips;
using ChipRegistry.Domain.Common;
using ChipRegistry.Domain.Detection.Thresholds;
using ChipRegistry.Domain.Facilities;
using ChipRegistry.Domain.Licences;
using ChipRegistry.Domain.Organisations;
using ChipRegistry.World.Sinks;
using NodaTime;
using NodaTime.Text;

namespace ChipRegistry.Cli.Seed;

/// <summary>
/// The world through a registry's HTTP API, as its organisations would send it: every command mapped to its route
/// (chip acts through the batch routes where one exists, the others one chip at a time), each under a key of the
/// acting organisation that this sink issues with the admin key, business times as <c>occurredAt</c>. The world's
/// organisation, facility, model and chip ids are sent under <see cref="DemoIds"/>' prefix. What the world reads back
/// (organisations, models, facilities, licences, notifications) is what it wrote here and the API accepted; the
/// catalog acts the API has no route for (a spec revision, an agency finding) are left out and counted in
/// <see cref="Unrouted"/>, and the reads leave them out too, so the world judges by what the registry holds.
/// </summary>
internal sealed class HttpWorldSink(HttpClient http, string adminKey, DemoIds ids) : IWorldSink
{
    private const int SingleActsAtOnce = 4;
    private static readonly InstantPattern Time = InstantPattern.ExtendedIso;
    private static readonly LocalDatePattern Date = LocalDatePattern.Iso;

    private readonly Dictionary<string, string> keys = new(StringComparer.Ordinal) { [BuiltInOrganisations.RegistryAdmin.OrganisationId] = adminKey };
    private readonly Dictionary<string, Organisation> organisations = new(StringComparer.Ordinal);
    private readonly Dictionary<string, AcceleratorModel> models = new(StringComparer.Ordinal);
    private readonly Dictionary<string, Facility> facilities = new(StringComparer.Ordinal);
    private readonly Dictionary<string, Licence> licences = new(StringComparer.Ordinal);
    private readonly Dictionary<string, ExportNotification> notifications = new(StringComparer.Ordinal);
    private readonly Dictionary<string, int> shippedUnder = new(StringComparer.Ordinal);

    // The world voids only acts of the lot it is living: the map starts again with each lot, so it does not grow with the world.
    private readonly ConcurrentDictionary<Guid, Guid> eventIds = new();
    private Instant? lastTick;

    /// <summary>Acts the API has no route for, by kind: sent nowhere.</summary>
    public Dictionary<string, int> Unrouted { get; } = new(StringComparer.Ordinal);

    /// <summary>Clock ticks posted.</summary>
    public int Ticks { get; private set; }

    /// <summary>The token of a key of the world's organisation (issued on first use).</summary>
    /// <summary>Throws <see cref="RegistryUnreachableException"/> unless the API answers its liveness probe: before the progress bar starts.</summary>
    public async Task ReachAsync(CancellationToken cancellationToken)
    {
        try
        {
            using var response = await http.GetAsync("health", cancellationToken);
        }
        catch (Exception e) when (e is HttpRequestException || (e is TaskCanceledException && !cancellationToken.IsCancellationRequested))
        {
            throw new RegistryUnreachableException($"Cannot reach the registry API at {http.BaseAddress}: {e.Message}", e);
        }
    }

    public async Task<string> KeyOfAsync(string organisationId, CancellationToken cancellationToken)
    {
        if (keys.TryGetValue(organisationId, out var key)) return key;
        var answer = await PostAsync(adminKey, "api/v1/admin/keys", new JsonObject { ["organisationId"] = ids.Organisation(organisationId), ["label"] = "demo world (chipreg seed)" }, cancellationToken);
        if (answer.Error is not null) throw new InvalidOperationException($"no key for {ids.Organisation(organisationId)}: {answer.Error.Code}: {answer.Error.Message}");
        return keys[organisationId] = answer.Body!["token"]!.GetValue<string>();
    }

    public async Task<WorldOutcome> SendAsync(object command, CancellationToken cancellationToken)
    {
        switch (command)
        {
            case RegisterOrganisation c:
            {
                var answer = await PostAsync(adminKey, "api/v1/organisations", new JsonObject
                {
                    ["organisationId"] = ids.Organisation(c.OrganisationId), ["name"] = c.Name, ["kind"] = KindName(c.Kind), ["country"] = c.Country,
                    ["foundedOn"] = Date.Format(c.FoundedOn), ["occurredAt"] = Time.Format(c.At),
                }, cancellationToken);
                if (answer.Error is null) organisations[c.OrganisationId] = new Organisation(c.OrganisationId, c.Name, c.Kind, c.Country, c.FoundedOn, []);
                return answer.Outcome("organisation_registered");
            }
            case ChangeOrganisationParent c:
            {
                var answer = await PostAsync(await KeyOfAsync(c.Actor.OrganisationId, cancellationToken), $"api/v1/organisations/{Escape(ids.Organisation(c.OrganisationId))}/parent", new JsonObject
                {
                    ["parentId"] = c.ParentId is null ? null : ids.Organisation(c.ParentId), ["effectiveFrom"] = Date.Format(c.EffectiveFrom), ["occurredAt"] = Time.Format(c.At),
                }, cancellationToken);
                if (answer.Error is null && organisations.TryGetValue(c.OrganisationId, out var child))
                {
                    organisations[c.OrganisationId] = child with { ParentHistory = [.. child.ParentHistory.Append(new ParentLink(c.EffectiveFrom, c.ParentId)).OrderBy(l => l.From)] };
                }
                return answer.Outcome("organisation_parent_changed");
            }
            case RegisterAcceleratorModel c:
                return await RegisterModelAsync(c.Spec, c.Actor.OrganisationId, c.At, cancellationToken);
            case ReviseAcceleratorSpec:
                return Skip("spec revision");
            case RecordSpecFinding:
                return Skip("spec finding");
            case RegisterFacility c:
            {
                var answer = await PostAsync(await KeyOfAsync(c.Actor.OrganisationId, cancellationToken), "api/v1/facilities", new JsonObject
                {
                    ["facilityId"] = ids.Facility(c.FacilityId), ["name"] = c.Name, ["country"] = c.Country, ["latitude"] = c.Latitude, ["longitude"] = c.Longitude,
                    ["declaredPowerMw"] = c.DeclaredPowerMw, ["occurredAt"] = Time.Format(c.At),
                }, cancellationToken);
                if (answer.Error is null) facilities[c.FacilityId] = new Facility(c.FacilityId, c.Actor.OrganisationId, c.Name, c.Country, c.Latitude, c.Longitude, c.DeclaredPowerMw, []);
                return answer.Outcome("facility_registered");
            }
            case RegisterCluster c:
            {
                var answer = await PostAsync(await KeyOfAsync(c.Actor.OrganisationId, cancellationToken), $"api/v1/facilities/{Escape(ids.Facility(c.FacilityId))}/clusters",
                    new JsonObject { ["clusterId"] = c.ClusterId, ["name"] = c.Name, ["occurredAt"] = Time.Format(c.At) }, cancellationToken);
                if (answer.Error is null && facilities.TryGetValue(c.FacilityId, out var site)) facilities[c.FacilityId] = site with { Clusters = [.. site.Clusters, new Cluster(c.ClusterId, c.Name)] };
                return answer.Outcome("cluster_registered");
            }
            case DeclareFacilityPower c:
            {
                var answer = await PostAsync(await KeyOfAsync(c.Actor.OrganisationId, cancellationToken), $"api/v1/facilities/{Escape(ids.Facility(c.FacilityId))}/power",
                    new JsonObject { ["declaredPowerMw"] = c.DeclaredPowerMw, ["occurredAt"] = Time.Format(c.At) }, cancellationToken);
                if (answer.Error is null && facilities.TryGetValue(c.FacilityId, out var site)) facilities[c.FacilityId] = site with { DeclaredPowerMw = c.DeclaredPowerMw };
                return answer.Outcome("facility_power_declared");
            }
            case GrantLicence c:
            {
                var answer = await PostAsync(await KeyOfAsync(c.Actor.OrganisationId, cancellationToken), "api/v1/licences", new JsonObject
                {
                    ["licenceId"] = c.LicenceId, ["number"] = c.Number, ["holderId"] = ids.Organisation(c.HolderId), ["consigneeId"] = ids.Organisation(c.ConsigneeId),
                    ["endUserId"] = ids.Organisation(c.EndUserId), ["destination"] = c.Destination, ["modelIds"] = new JsonArray([.. c.ModelIds.Select(m => (JsonNode)ids.Model(m))]),
                    ["quantity"] = c.Quantity, ["validFrom"] = Date.Format(c.ValidFrom), ["validUntil"] = Date.Format(c.ValidUntil), ["occurredAt"] = Time.Format(c.At),
                }, cancellationToken);
                if (answer.Error is null)
                {
                    licences[c.LicenceId] = new Licence(c.LicenceId, c.Number, c.HolderId, c.ConsigneeId, c.EndUserId, c.Destination, c.ModelIds, c.Quantity, c.ValidFrom, c.ValidUntil,
                        c.Actor.OrganisationId, null);
                }
                return answer.Outcome("licence_granted");
            }
            case FileExportNotification c:
            {
                var answer = await PostAsync(await KeyOfAsync(c.Actor.OrganisationId, cancellationToken), "api/v1/notifications", new JsonObject
                {
                    ["notificationId"] = c.NotificationId, ["kind"] = c.Kind == NotificationKind.Nac ? "nac" : "aca", ["number"] = c.Number,
                    ["consigneeId"] = ids.Organisation(c.ConsigneeId), ["endUserId"] = ids.Organisation(c.EndUserId), ["destination"] = c.Destination,
                    ["modelId"] = ids.Model(c.Model.ModelId), ["occurredAt"] = Time.Format(c.At),
                }, cancellationToken);
                if (answer.Error is null)
                {
                    notifications[c.NotificationId] = new ExportNotification(c.NotificationId, c.Kind, c.Number, c.Actor.OrganisationId, c.ConsigneeId, c.EndUserId, c.Destination,
                        c.Model.ModelId, answer.Body!["tpp"]?.GetValue<decimal>(), answer.Body!["performanceDensity"]?.GetValue<decimal>(), answer.Body!["dataCenterDesign"]!.GetValue<bool>());
                }
                return answer.Outcome("export_notification_filed");
            }
            case ChangeThreshold c:
            {
                var answer = await PostAsync(await KeyOfAsync(c.Actor.OrganisationId, cancellationToken), $"api/v1/detection/thresholds/{Escape(c.Name)}",
                    new JsonObject { ["value"] = c.Value, ["effectiveFrom"] = Time.Format(c.EffectiveFrom), ["reason"] = c.Reason }, cancellationToken);
                return answer.Outcome("detection_threshold_changed");
            }
            case IChipCommand c:
                return await SendChipActAsync(c, cancellationToken);
            default:
                throw new ArgumentException($"the world issues no {command.GetType().Name}", nameof(command));
        }
    }

    public async Task<WorldOutcome> SendBatchAsync(IReadOnlyList<IChipCommand> batch, CancellationToken cancellationToken)
    {
        if (batch.Count == 0) return WorldOutcome.Nothing;
        var route = BatchRoute(batch[0]);
        if (route is null)
        {
            // No batch route for this act: each chip on its own, a few at a time (the world names each chip once).
            var outcomes = new WorldOutcome[batch.Count];
            await Parallel.ForEachAsync(Enumerable.Range(0, batch.Count), new ParallelOptions { MaxDegreeOfParallelism = SingleActsAtOnce, CancellationToken = cancellationToken },
                async (i, token) => outcomes[i] = await SendChipActAsync(batch[i], token));
            return outcomes.FirstOrDefault(o => !o.IsAccepted) ?? new WorldOutcome(null, [.. outcomes.SelectMany(o => o.EventTypes)]);
        }
        var items = new JsonArray();
        foreach (var command in batch)
        {
            var item = ChipActBody(command);
            item.Insert(0, "chipId", ids.Chip(command.ChipId));
            items.Add(item);
        }
        var answer = await PostAsync(await KeyOfAsync(batch[0].Actor.OrganisationId, cancellationToken), $"api/v1/chip-batches/{route}", new JsonObject { ["items"] = items }, cancellationToken);
        if (answer.Error is not null) return answer.Outcome();
        foreach (var ship in batch.OfType<ShipChip>().Where(s => s.AuthorisationNumber is not null))
        {
            shippedUnder[ship.AuthorisationNumber!] = shippedUnder.GetValueOrDefault(ship.AuthorisationNumber!) + 1;
        }
        return new WorldOutcome(null, [.. answer.Body!["chips"]!.AsArray().SelectMany(chip => EventTypesOf(chip!))]);
    }

    public async Task<WorldOutcome> RegisterLotAsync(RegisterChipLot lot, IReadOnlyList<string> chipIds, CancellationToken cancellationToken)
    {
        eventIds.Clear();
        var answer = await PostAsync(await KeyOfAsync(lot.Actor.OrganisationId, cancellationToken), "api/v1/lots", new JsonObject
        {
            ["lotId"] = lot.LotId, ["modelId"] = ids.Model(lot.ModelId), ["country"] = lot.Country, ["fabricatedAt"] = Time.Format(lot.At),
            ["serials"] = new JsonArray([.. chipIds.Select(c => (JsonNode)ids.Chip(c))]),
        }, cancellationToken);
        return answer.Error is not null ? answer.Outcome() : new WorldOutcome(null, [], answer.Body!["chipCount"]!.GetValue<long>());
    }

    /// <summary>The catalog under the demo manufacturers' ids (the API's own catalog belongs to the real ones), registered by each manufacturer.</summary>
    public async Task<WorldOutcome> SeedCatalogAsync(Actor registry, Instant at, CancellationToken cancellationToken)
    {
        var types = new List<string>();
        foreach (var spec in CatalogSeed.Models)
        {
            var outcome = await RegisterModelAsync(spec, spec.Vendor.ToLowerInvariant(), at, cancellationToken);
            if (!outcome.IsAccepted) return outcome;
            types.AddRange(outcome.EventTypes);
        }
        return new WorldOutcome(null, types);
    }

    public async Task<bool> TickAsync(Instant at, CancellationToken cancellationToken)
    {
        if (lastTick is { } last && last >= at) return true;
        var answer = await PostAsync(adminKey, "api/v1/admin/clock-ticks", new JsonObject { ["at"] = Time.Format(at) }, cancellationToken);
        if (answer.Error is not null) throw new SeedRefusedException($"the registry refused the clock tick at {Time.Format(at)}: {answer.Error.Code}: {answer.Error.Message}");
        lastTick = at;
        Ticks++;
        return true;
    }

    public Task<AcceleratorModel?> LoadModelAsync(string modelId, CancellationToken cancellationToken) => Task.FromResult(models.GetValueOrDefault(modelId));

    public Task<Facility?> LoadFacilityAsync(string facilityId, CancellationToken cancellationToken) => Task.FromResult(facilities.GetValueOrDefault(facilityId));

    public Task<OrganisationDirectory> LoadOrganisationDirectoryAsync(CancellationToken cancellationToken) => Task.FromResult(new OrganisationDirectory(organisations.Values));

    public Task<Licence?> LoadLicenceAsync(string licenceId, CancellationToken cancellationToken) => Task.FromResult(licences.GetValueOrDefault(licenceId));

    public Task<ExportNotification?> LoadNotificationAsync(string notificationId, CancellationToken cancellationToken) => Task.FromResult(notifications.GetValueOrDefault(notificationId));

    public Task<int> CountShippedUnderLicenceAsync(string authorisationNumber, CancellationToken cancellationToken) => Task.FromResult(shippedUnder.GetValueOrDefault(authorisationNumber));

    private async Task<WorldOutcome> RegisterModelAsync(AcceleratorSpec spec, string manufacturerId, Instant at, CancellationToken cancellationToken)
    {
        var answer = await PostAsync(await KeyOfAsync(manufacturerId, cancellationToken), "api/v1/models", new JsonObject
        {
            ["modelId"] = ids.Model(spec.ModelId), ["vendor"] = spec.Vendor, ["name"] = spec.Name,
            ["throughput"] = new JsonArray([.. spec.Throughput.Select(t => (JsonNode)new JsonObject
            {
                ["precision"] = t.Precision, ["denseTeraOps"] = t.DenseTeraOps, ["bitLength"] = t.BitLength, ["estimated"] = t.Estimated,
            })]),
            ["logicDieAreaMm2"] = spec.LogicDieAreaMm2?.Value, ["memoryBandwidthGBs"] = spec.MemoryBandwidthGBs?.Value,
            ["interconnectBandwidthGBs"] = spec.InterconnectBandwidthGBs?.Value, ["dataCenterDesign"] = spec.DataCenterDesign, ["tdpWatts"] = spec.TdpWatts?.Value,
            ["interconnectNote"] = spec.InterconnectNote, ["occurredAt"] = Time.Format(at),
        }, cancellationToken);
        if (answer.Error is null) models[spec.ModelId] = new AcceleratorModel(spec.ModelId, manufacturerId, [new SpecRevision(1, spec, manufacturerId, at)], null);
        return answer.Outcome("accelerator_model_registered");
    }

    private async Task<WorldOutcome> SendChipActAsync(IChipCommand command, CancellationToken cancellationToken)
    {
        var key = await KeyOfAsync(command.Actor.OrganisationId, cancellationToken);
        if (command is ReportChipObservation o)
        {
            var observed = await PostAsync(key, "api/v1/observations", new JsonObject
            {
                ["chipId"] = ids.Chip(o.ChipId), ["kind"] = o.Kind, ["details"] = o.Details, ["facilityId"] = o.FacilityId is null ? null : ids.Facility(o.FacilityId),
                ["country"] = o.Country, ["occurredAt"] = Time.Format(o.At),
            }, cancellationToken);
            return observed.Outcome("chip_observed");
        }
        var route = SingleRoute(command) ?? throw new ArgumentException($"no route for {command.GetType().Name}", nameof(command));
        var answer = await PostAsync(key, $"api/v1/chips/{Escape(ids.Chip(command.ChipId))}/{route}", ChipActBody(command), cancellationToken);
        if (answer.Error is not null) return answer.Outcome();
        if (command is AttestChipLocation)
        {
            eventIds[command.EventId] = answer.Body!["eventId"]!.GetValue<Guid>();
            return new WorldOutcome(null, ["chip_location_attested"]);
        }
        if (answer.Body!["events"] is JsonArray events && events.Count > 0 && events[0]!["eventId"] is { } first) eventIds[command.EventId] = first.GetValue<Guid>();
        return new WorldOutcome(null, [.. EventTypesOf(answer.Body!)]);
    }

    private static string? BatchRoute(IChipCommand command) => command switch
    {
        OfferChipSale => "sale-offers",
        AcceptChipSale => "sale-acceptances",
        ShipChip => "shipments",
        ReceiveChip => "receipts",
        InstallChip => "installations",
        AssignChipTenant => "tenancies",
        _ => null,
    };

    private static string? SingleRoute(IChipCommand command) => command switch
    {
        AttestChipLocation => "attestations",
        VoidChipEvent => "voids",
        RemoveChip => "removals",
        ReturnChip => "returns",
        DecommissionChip => "decommissioning",
        DestroyChip => "destruction",
        ReportChipMissing => "loss-reports",
        PlaceChipHold => "hold",
        ReleaseChipHold => "hold/release",
        DeclareChipIllegitimate => "illegitimacy-declaration",
        OfferChipSale => "sale-offer",
        AcceptChipSale => "sale-offer/acceptance",
        ShipChip => "shipments",
        ReceiveChip => "receipts",
        InstallChip => "installations",
        AssignChipTenant => "tenancies",
        _ => null,
    };

    /// <summary>The act's body as the single route and the batch item (without its chip) take it.</summary>
    private JsonObject ChipActBody(IChipCommand command)
    {
        var body = command switch
        {
            OfferChipSale c => new JsonObject { ["buyerId"] = ids.Organisation(c.BuyerId) },
            AcceptChipSale => [],
            ShipChip c => new JsonObject
            {
                ["destinationCountry"] = c.DestinationCountry, ["consigneeId"] = ids.Organisation(c.ConsigneeId), ["endUserId"] = ids.Organisation(c.EndUserId),
                ["billToId"] = ids.Organisation(c.BillToId), ["shipToId"] = ids.Organisation(c.ShipToId), ["payerId"] = ids.Organisation(c.PayerId),
                ["licenceId"] = c.Context.Licence?.Id, ["notificationId"] = c.Context.Notification?.Id,
            },
            ReceiveChip c => new JsonObject { ["country"] = c.Country },
            InstallChip c => new JsonObject { ["facilityId"] = ids.Facility(c.Facility.Id), ["clusterId"] = c.ClusterId, ["rack"] = c.Rack },
            AssignChipTenant c => new JsonObject { ["tenantId"] = ids.Organisation(c.TenantId), ["from"] = Time.Format(c.From), ["to"] = c.To is { } to ? Time.Format(to) : null },
            AttestChipLocation c => new JsonObject { ["facilityId"] = ids.Facility(c.FacilityId), ["method"] = c.Method, ["roundTripMs"] = c.RoundTripMs, ["landmarkId"] = c.LandmarkId },
            VoidChipEvent c => new JsonObject { ["eventId"] = eventIds.TryGetValue(c.TargetEventId, out var sent) ? sent : c.TargetEventId, ["reason"] = c.Reason },
            RemoveChip c => new JsonObject { ["reason"] = c.Reason },
            ReturnChip c => new JsonObject { ["rmaNumber"] = c.RmaNumber, ["destinationCountry"] = c.DestinationCountry },
            DecommissionChip c => new JsonObject { ["reason"] = c.Reason },
            DestroyChip c => new JsonObject { ["method"] = c.Method },
            ReportChipMissing c => new JsonObject { ["kind"] = c.Kind == MissingKind.Stolen ? "stolen" : "lost", ["circumstances"] = c.Circumstances },
            PlaceChipHold c => new JsonObject { ["reason"] = c.Reason },
            ReleaseChipHold c => new JsonObject { ["reason"] = c.Reason },
            DeclareChipIllegitimate c => new JsonObject { ["reason"] = c.Reason },
            _ => throw new ArgumentException($"no route for {command.GetType().Name}", nameof(command)),
        };
        foreach (var empty in body.Where(p => p.Value is null).Select(p => p.Key).ToList()) body.Remove(empty);
        body["occurredAt"] = Time.Format(command.At);
        return body;
    }

    private static IEnumerable<string> EventTypesOf(JsonNode chip) =>
        chip["events"] is JsonArray events ? events.Select(e => e!["type"]!.GetValue<string>()) : [];

    private WorldOutcome Skip(string kind)
    {
        Unrouted[kind] = Unrouted.GetValueOrDefault(kind) + 1;
        return WorldOutcome.Nothing;
    }

    private static string KindName(OrganisationKind kind) => kind switch
    {
        OrganisationKind.EndUser => "end_user",
        _ => kind.ToString().ToLowerInvariant(),
    };

    private static string Escape(string id) => Uri.EscapeDataString(id);

    /// <summary>POSTs the body under the key; waits out a 429 (as its Retry-After says) and sends again.</summary>
    private async Task<Answer> PostAsync(string key, string path, JsonObject body, CancellationToken cancellationToken)
    {
        var bytes = Encoding.UTF8.GetBytes(body.ToJsonString());
        while (true)
        {
            using var request = new HttpRequestMessage(HttpMethod.Post, path) { Content = new ByteArrayContent(bytes) };
            request.Content.Headers.ContentType = new MediaTypeHeaderValue("application/json");
            request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", key);
            HttpResponseMessage response;
            string text;
            try
            {
                response = await http.SendAsync(request, cancellationToken);
                text = await response.Content.ReadAsStringAsync(cancellationToken);
            }
            catch (Exception e) when (e is HttpRequestException || (e is TaskCanceledException && !cancellationToken.IsCancellationRequested))
            {
                throw new RegistryUnreachableException($"Cannot reach the registry API at {http.BaseAddress}: {e.Message}", e);
            }
            using (response)
            {
                if (response.StatusCode == HttpStatusCode.TooManyRequests)
                {
                    await Task.Delay(response.Headers.RetryAfter?.Delta ?? TimeSpan.FromSeconds(1), cancellationToken);
                    continue;
                }
                JsonNode? parsed = null;
                try
                {
                    parsed = text.Length == 0 ? null : JsonNode.Parse(text);
                }
                catch (JsonException)
                {
                    // not the registry's JSON (a proxy's page): told as it came
                }
                if (response.IsSuccessStatusCode) return new Answer(null, parsed);
                var code = parsed?["code"]?.GetValue<string>() ?? $"http_{(int)response.StatusCode}";
                var detail = parsed?["detail"]?.GetValue<string>() ?? parsed?["title"]?.GetValue<string>() ?? (text.Length > 300 ? text[..300] : text);
                return new Answer(new DomainError(code, $"{path}: {detail}"), parsed);
            }
        }
    }

    private sealed record Answer(DomainError? Error, JsonNode? Body)
    {
        public WorldOutcome Outcome(params string[] types) => new(Error, Error is null ? types : []);
    }
}

/// <summary>The registry refused something seeding needs beyond the world's own acts (a clock tick): seeding stops.</summary>
internal sealed class SeedRefusedException(string message) : Exception(message);
