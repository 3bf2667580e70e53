using ChipRegistry.Domain.Assemblies;
using ChipRegistry.Domain.Catalog;
using ChipRegistry.Domain.Chips;
using ChipRegistry.Domain.Common;
using ChipRegistry.Domain.Facilities;
using ChipRegistry.Domain.Licences;
using ChipRegistry.Domain.Organisations;
using NodaTime;

namespace ChipRegistry.Domain.Tests.Common;

public class IdentifierGrammarTests
{
    private static readonly Instant T0 = Instant.FromUtc(2026, 1, 5, 10, 0);
    private static readonly LocalDate D0 = new(2026, 1, 5);
    private static readonly Actor Admin = BuiltInOrganisations.RegistryAdmin;
    private static readonly Actor Nvidia = new("nvidia", OrganisationKind.Manufacturer);
    private static readonly Actor Operator = new("op", OrganisationKind.Operator);
    private static readonly Actor Bis = new("bis", OrganisationKind.Agency);
    private static readonly Actor Exporter = new("exporter", OrganisationKind.Distributor);

    /// <summary>Every id the issue shows accepted before, and a few more shapes the grammar refuses.</summary>
    private static readonly string[] BadIdList =
    [
        "a\u0007b", "a\nb", "abc\u202edcba", "a\u200bb", "nv\u0456dia", "NVIDIA", "Nvidia", "", " ", "a b", "a/b", "a:b", "a%2fb", "-abc", ".abc",
        "a\u0000b", new string('a', Identifiers.MaxLength + 1),
    ];

    private static readonly string[] EntityList = ["organisation", "facility", "cluster", "licence", "notification", "assembly", "model", "lot"];

    public static TheoryData<string> BadIds() => [.. BadIdList];

    public static TheoryData<string> ReservedIds() => ["registry", "admin", "system", "api", "agency", "root", "null"];

    [Theory]
    [InlineData("nvidia")]
    [InlineData("nvidia-h100-sxm")]
    [InlineData("tw-2026-11-0042")]
    [InlineData("op.colossus_2")]
    [InlineData("0day")]
    public void lower_case_ascii_letters_digits_and_separators_make_an_id(string id) =>
        Assert.Null(Identifiers.ProblemWithNew(id, "id"));

    [Fact]
    public void an_id_is_at_most_64_characters() =>
        Assert.Null(Identifiers.ProblemWithNew(new string('a', Identifiers.MaxLength), "id"));

    [Theory]
    [MemberData(nameof(BadIds), DisableDiscoveryEnumeration = true)]
    public void an_id_outside_the_grammar_is_invalid_id(string id) =>
        Assert.Equal(Identifiers.InvalidId, Identifiers.ProblemWithNew(id, "id")?.Code);

    [Theory]
    [MemberData(nameof(ReservedIds))]
    public void a_reserved_name_is_reserved_id(string id) =>
        Assert.Equal(Identifiers.ReservedId, Identifiers.ProblemWithNew(id, "id")?.Code);

    [Fact]
    public void the_error_names_the_field() =>
        Assert.Contains("organisationId", RegisterCode("organisation", "NVIDIA").Message, StringComparison.Ordinal);

    [Fact]
    public void every_bad_id_is_refused_by_every_registration_and_a_good_one_accepted()
    {
        foreach (var entity in EntityList)
        {
            Assert.Null(Register(entity, entity == "model" ? "nvidia-x1" : "good-id").Error);
            foreach (var id in BadIdList)
            {
                var decision = Register(entity, id);
                Assert.True(decision.Error?.Code == Identifiers.InvalidId, $"{entity} '{id}': {decision.Error}");
                Assert.Empty(decision.Events);
            }
        }
    }

    [Fact]
    public void registry_as_an_agency_is_refused_as_reserved()
    {
        var registration = OrganisationDecisions.Decide(new RegisterOrganisation("registry", "Registry", OrganisationKind.Agency, "US", D0, Admin, T0), null);
        Assert.Equal(Identifiers.ReservedId, registration.Error?.Code);
        foreach (var entity in EntityList.Where(e => e != "model"))
        {
            Assert.Equal(Identifiers.ReservedId, RegisterCode(entity, "admin").Code);
        }
    }

    [Fact]
    public void a_model_id_starts_with_its_manufacturers_id()
    {
        var foreign = AcceleratorModelDecisions.Decide(new RegisterAcceleratorModel(CatalogSeed.H100Sxm with { ModelId = "amd-h100-sxm" }, Nvidia, T0), null);
        var bare = AcceleratorModelDecisions.Decide(new RegisterAcceleratorModel(CatalogSeed.H100Sxm with { ModelId = "h100-sxm" }, Nvidia, T0), null);
        var prefixOnly = AcceleratorModelDecisions.Decide(new RegisterAcceleratorModel(CatalogSeed.H100Sxm with { ModelId = "nvidia-" }, Nvidia, T0), null);
        var longerName = AcceleratorModelDecisions.Decide(new RegisterAcceleratorModel(CatalogSeed.H100Sxm with { ModelId = "nvidiax-h1" }, Nvidia, T0), null);

        Assert.Equal([ModelErrors.ForeignModelId, ModelErrors.ForeignModelId, ModelErrors.ForeignModelId, ModelErrors.ForeignModelId],
            new[] { foreign, bare, prefixOnly, longerName }.Select(d => d.Error?.Code));
    }

    [Fact]
    public void every_seeded_model_id_follows_the_grammar_and_belongs_to_its_vendor()
    {
        foreach (var model in CatalogSeed.Models)
        {
            var manufacturer = new Actor(model.Vendor.ToLowerInvariant(), OrganisationKind.Manufacturer);
            Assert.True(AcceleratorModelDecisions.Decide(new RegisterAcceleratorModel(model, manufacturer, T0), null).IsAccepted, model.ModelId);
        }
    }

    [Fact]
    public void a_model_needs_at_least_one_throughput_figure()
    {
        var decision = AcceleratorModelDecisions.Decide(new RegisterAcceleratorModel(CatalogSeed.H100Sxm with { ModelId = "nvidia-x0", Throughput = [] }, Nvidia, T0), null);

        Assert.Equal(ModelErrors.InvalidSpec, decision.Error?.Code);
        Assert.Contains("throughput", decision.Error!.Message, StringComparison.Ordinal);
    }

    private static DomainError RegisterCode(string entity, string id) => Register(entity, id).Error ?? throw new InvalidOperationException($"{entity} '{id}' was accepted");

    /// <summary>The registration of a new <paramref name="entity"/> named <paramref name="id"/>, otherwise valid: only its events and error matter.</summary>
    private static (DomainError? Error, IReadOnlyList<object> Events) Register(string entity, string id)
    {
        return entity switch
        {
            "organisation" => Of(OrganisationDecisions.Decide(new RegisterOrganisation(id, "Acme", OrganisationKind.Distributor, "SG", D0, Admin, T0), null)),
            "facility" => Of(FacilityDecisions.Decide(new RegisterFacility(id, "Site", "US", 33.7m, -84.4m, 30m, Operator, T0), null)),
            "cluster" => Of(FacilityDecisions.Decide(new RegisterCluster("f1", id, "Hall", Operator, T0), new Facility("f1", "op", "Site", "US", 33.7m, -84.4m, 30m, []))),
            "licence" => Of(LicenceDecisions.Decide(new GrantLicence(id, "D1111111", "h", "c", "e", "MY", ["nvidia-h100-sxm"], 8, D0, D0.PlusDays(30), Bis, T0), null)),
            "notification" => Of(ExportNotificationDecisions.Decide(new FileExportNotification(id, NotificationKind.Nac, "A222222", "c", "e", "MY", CatalogSeed.H20, Exporter, T0), null)),
            "assembly" => Of(AssemblyDecisions.Decide(new RegisterAssembly(id, AssemblyKind.Server, "sn-1", "US", Nvidia, T0), null)),
            "model" => Of(AcceleratorModelDecisions.Decide(new RegisterAcceleratorModel(CatalogSeed.H100Sxm with { ModelId = id }, Nvidia, T0), null)),
            "lot" => Of(new RegisterChipLot(Guid.NewGuid(), id, "nvidia-h100-sxm", "TW", Nvidia, T0).DecideChip("nvidia:0001")),
            _ => throw new ArgumentOutOfRangeException(nameof(entity), entity, null),
        };
    }

    private static (DomainError? Error, IReadOnlyList<object> Events) Of<TEvent>(Decision<TEvent> decision) => (decision.Error, [.. decision.Events.Cast<object>()]);
}
