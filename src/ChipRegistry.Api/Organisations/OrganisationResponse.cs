using ChipRegistry.Api.Callers;
using ChipRegistry.Domain.Organisations;
using NodaTime;

namespace ChipRegistry.Api.Organisations;

public sealed record ParentLinkResponse(DateOnly EffectiveFrom, string? ParentId);

/// <summary>An organisation as the directory holds it: <see cref="ParentId"/> is today's direct parent, <see cref="Parents"/> the dated history.</summary>
public sealed record OrganisationResponse(
    string OrganisationId, string Name, string Kind, string Country, DateOnly FoundedOn, string? ParentId, IReadOnlyList<ParentLinkResponse> Parents)
{
    public static OrganisationResponse From(Organisation organisation, LocalDate today) => new(
        organisation.Id, organisation.Name, Callers.Callers.RoleOf(organisation.Kind), organisation.Country, organisation.FoundedOn.ToDateOnly(),
        organisation.ParentOn(today), [.. organisation.ParentHistory.Select(l => new ParentLinkResponse(l.From.ToDateOnly(), l.ParentId))]);

    public static readonly OrganisationResponse Example = new(
        "op-colossus", "Colossus Compute LLC", "operator", "US", new DateOnly(2023, 5, 1), "xai-holdings",
        [new ParentLinkResponse(new DateOnly(2024, 1, 1), "xai-holdings")]);
}
