using ChipRegistry.EventStore;
using ChipRegistry.Domain.Persistence;
using ChipRegistry.Domain.Common;
using NodaTime;

namespace ChipRegistry.Domain.Catalog;

/// <summary>
/// The accelerator catalog of domain.md section 2 (dense figures, vendor decimals; "est." kept as
/// <see cref="Figure.Estimated"/>; "?" as null). Only inputs: every derived figure is computed.
/// </summary>
public static class CatalogSeed
{
    private static ThroughputFigure Bf16(decimal t, bool est = false) => new("BF16/FP16", t, 16, est);

    private static ThroughputFigure Fp8(decimal t) => new("FP8", t, 8);

    private static ThroughputFigure Int8(decimal t) => new("INT8", t, 8);

    private static Figure F(decimal v) => new(v);

    public static AcceleratorSpec A100Sxm { get; } = new("nvidia-a100-sxm", "NVIDIA", "A100 SXM", [Bf16(312m), Int8(624m)], F(826m), F(2039m), F(600m), true, F(400m));
    public static AcceleratorSpec A800Sxm { get; } = new("nvidia-a800-sxm", "NVIDIA", "A800 SXM", [Bf16(312m), Int8(624m)], F(826m), F(2039m), F(400m), true, F(400m));
    public static AcceleratorSpec H100Sxm { get; } = new("nvidia-h100-sxm", "NVIDIA", "H100 SXM", [Bf16(989.4m), Fp8(1978.9m)], F(814m), F(3350m), F(900m), true, F(700m));
    public static AcceleratorSpec H800Sxm { get; } = new("nvidia-h800-sxm", "NVIDIA", "H800 SXM", [Bf16(989.4m), Fp8(1978.9m)], F(814m), F(3350m), F(400m), true, F(700m));
    public static AcceleratorSpec H200Sxm { get; } = new("nvidia-h200-sxm", "NVIDIA", "H200 SXM", [Bf16(989.4m), Fp8(1978.9m)], F(814m), F(4800m), F(900m), true, F(700m));
    public static AcceleratorSpec H20 { get; } = new("nvidia-h20", "NVIDIA", "H20", [Bf16(148m), Fp8(296m)], F(814m), F(4000m), F(900m), true, F(400m));
    public static AcceleratorSpec B200 { get; } = new("nvidia-b200", "NVIDIA", "B200", [Bf16(2250m), Fp8(4500m)], null, F(8000m), F(1800m), true, F(1000m));
    public static AcceleratorSpec Gb200PerGpu { get; } = new("nvidia-gb200", "NVIDIA", "GB200 (per GPU)", [Bf16(2500m), Fp8(5000m)], null, F(8000m), F(1800m), true, F(1200m));
    public static AcceleratorSpec L40S { get; } = new("nvidia-l40s", "NVIDIA", "L40S", [Bf16(362.05m), Fp8(733m)], F(609m), F(864m), F(64m), true, F(350m), "PCIe");
    public static AcceleratorSpec Rtx4090 { get; } = new("nvidia-rtx-4090", "NVIDIA", "RTX 4090", [Bf16(330.3m), Fp8(660.6m)], F(609m), F(1008m), F(64m), false, F(450m), "PCIe");
    public static AcceleratorSpec Rtx4090D { get; } = new("nvidia-rtx-4090d", "NVIDIA", "RTX 4090D", [Bf16(294.2m), Fp8(588.4m)], F(609m), F(1008m), F(64m), false, F(425m), "PCIe");
    public static AcceleratorSpec Mi300X { get; } = new("amd-mi300x", "AMD", "MI300X", [Bf16(1307.4m), Fp8(2614.9m)], null, F(5300m), F(896m), true, F(750m));
    public static AcceleratorSpec Gaudi3 { get; } = new("intel-gaudi-3", "Intel", "Gaudi 3", [Bf16(1835m), Fp8(1835m)], null, F(3700m), F(1200m), true, F(900m));
    public static AcceleratorSpec Ascend910B { get; } = new("huawei-ascend-910b", "Huawei", "Ascend 910B", [Bf16(320m, est: true)], null, Figure.Est(1600m), Figure.Est(392m), true, F(400m));

    public static IReadOnlyList<AcceleratorSpec> Models { get; } =
    [
        A100Sxm, A800Sxm, H100Sxm, H800Sxm, H200Sxm, H20, B200, Gb200PerGpu, L40S, Rtx4090, Rtx4090D, Mi300X, Gaudi3, Ascend910B,
    ];

    public static AcceleratorSpec ByName(string name) =>
        Models.SingleOrDefault(m => m.Name == name) ?? throw new KeyNotFoundException($"no seeded model named '{name}'");

    /// <summary>
    /// The seed as registration events, each recorded by its vendor's manufacturer organisation
    /// (<paramref name="manufacturerOf"/> maps a vendor name to its organisation id).
    /// </summary>
    public static IReadOnlyList<AcceleratorModelRegistered> RegistrationEvents(Func<string, string> manufacturerOf, Instant at) =>
        Models.Select(m => new AcceleratorModelRegistered(m.ModelId, manufacturerOf(m.Vendor), m, manufacturerOf(m.Vendor), at)).ToList();
}

/// <summary>Seeding the catalog through the store: each model not yet registered gets its registration event.</summary>
public static class CatalogSeedCommands
{
    /// <summary>
    /// Seeds the catalog (<see cref="CatalogSeed"/>): each model not yet registered gets its registration event,
    /// recorded by its vendor's manufacturer (<paramref name="manufacturerOf"/>); models already present are left
    /// alone, so running it again registers nothing. Returns the models it registered.
    /// </summary>
    public static async Task<IReadOnlyList<string>> SeedCatalogAsync(this CommandPipeline commands, Func<string, string> manufacturerOf, Actor actor, Instant at, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(commands);
        ArgumentNullException.ThrowIfNull(manufacturerOf);
        ArgumentNullException.ThrowIfNull(actor);
        var registered = new List<string>();
        foreach (var registration in CatalogSeed.RegistrationEvents(manufacturerOf, at))
        {
            var key = StreamKeys.Model(registration.ModelId);
            if (await commands.Store.FetchStreamVersionAsync(key, cancellationToken) > 0) continue;
            try
            {
                await commands.Store.AppendAsync(new StreamAppend(key, ExpectedVersion.NoStream, CommandPipeline.New([registration]), StreamKeys.ModelType), CommandMetadata.None.For(actor), cancellationToken);
                registered.Add(registration.ModelId);
            }
            catch (StreamVersionConflictException)
            {
                // another host seeded this model meanwhile: it is there, which is all seeding asks
            }
        }
        return registered;
    }
}
