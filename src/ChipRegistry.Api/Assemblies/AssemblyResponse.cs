using System.Text.Json;
using ChipRegistry.Domain.Assemblies;

namespace ChipRegistry.Api.Assemblies;

public sealed record AssemblyResponse(
    string AssemblyId, string Kind, string Serial, string Stage, string CustodianId, string Country, string? ConsigneeId, string? FacilityId,
    IReadOnlyList<string> ChipIds)
{
    public static AssemblyResponse From(Assembly assembly) => new(
        assembly.Id, Snake(assembly.Kind.ToString()), assembly.Serial, Snake(assembly.Stage.ToString()), assembly.CustodianId, assembly.Country,
        assembly.ConsigneeId, assembly.FacilityId, assembly.ChipIds);

    private static string Snake(string name) => JsonNamingPolicy.SnakeCaseLower.ConvertName(name);

    public static readonly AssemblyResponse Example = new(
        "srv-dgx-0001", "server", "1324923000123", "in_stock", "int-supermicro", "US", null, null, ["nvidia:1652223004561", "nvidia:1652223004562"]);
}
