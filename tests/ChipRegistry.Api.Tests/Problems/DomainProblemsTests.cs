using ChipRegistry.Api.Problems;
using ChipRegistry.Domain.Common;

namespace ChipRegistry.Api.Tests.Problems;

public sealed class DomainProblemsTests
{
    /// <summary>
    /// Every domain error code and the status the API answered before the statuses came from the codes' kinds (what the
    /// suffix rules of <c>DomainProblems.StatusOf</c> gave at that commit, computed by running them over these codes).
    /// </summary>
    private static readonly Dictionary<string, int> StatusesBeforeKinds = new(StringComparer.Ordinal)
    {
        ["assembly_already_registered"] = 409,
        // Built at run time from the stage before (assembly_{stage}), so not among the codes the old rules were run over;
        // both were in their explicit list of state conflicts.
        ["assembly_in_transit"] = 409,
        ["assembly_installed"] = 409,
        ["assembly_not_in_stock"] = 409,
        ["assembly_not_in_transit"] = 409,
        ["assembly_not_registered"] = 404,
        ["chip_already_decommissioned"] = 409,
        ["chip_already_illegitimate"] = 409,
        ["chip_already_installed"] = 409,
        ["chip_already_on_hold"] = 409,
        ["chip_already_registered"] = 409,
        ["chip_custody_mismatch"] = 409,
        ["chip_decommissioned"] = 409,
        ["chip_destroyed"] = 409,
        ["chip_illegitimate"] = 409,
        ["chip_in_assembly"] = 409,
        ["chip_in_transit"] = 409,
        ["chip_installed"] = 409,
        ["chip_missing"] = 409,
        ["chip_not_in_assembly"] = 409,
        ["chip_not_in_transit"] = 409,
        ["chip_not_installed"] = 409,
        ["chip_not_on_hold"] = 409,
        ["chip_not_registered"] = 404,
        ["chip_on_hold"] = 409,
        ["chip_state_missing"] = 422,
        ["cluster_already_registered"] = 409,
        ["cluster_not_found"] = 404,
        ["duplicate_chip"] = 422,
        ["duplicate_serial"] = 422,
        ["event_already_voided"] = 409,
        ["event_not_found"] = 404,
        ["event_not_voidable"] = 409,
        ["facility_already_registered"] = 409,
        ["facility_not_registered"] = 404,
        ["finding_required"] = 422,
        ["invalid_assembly"] = 422,
        ["invalid_buyer"] = 422,
        ["invalid_chip"] = 422,
        ["invalid_chip_list"] = 422,
        ["invalid_coordinates"] = 422,
        ["invalid_country"] = 422,
        ["invalid_licence"] = 422,
        ["invalid_notification"] = 422,
        ["invalid_notification_number"] = 422,
        ["invalid_organisation"] = 422,
        ["invalid_power"] = 422,
        ["invalid_spec"] = 422,
        ["invalid_tenancy"] = 422,
        ["licence_already_granted"] = 409,
        ["licence_already_revoked"] = 409,
        ["licence_not_found"] = 404,
        ["lot_empty"] = 422,
        ["lot_not_found"] = 404,
        ["lot_too_large"] = 422,
        ["model_already_registered"] = 409,
        ["model_not_registered"] = 404,
        ["model_spec_mismatch"] = 422,
        ["model_spec_missing"] = 422,
        ["no_open_offer"] = 409,
        ["not_agency"] = 403,
        ["not_custodian"] = 409,
        ["not_exporter"] = 409,
        ["not_facility_operator"] = 409,
        ["not_integrator"] = 403,
        ["not_manufacturer"] = 403,
        ["not_model_manufacturer"] = 409,
        ["not_named_buyer"] = 409,
        ["not_operator"] = 403,
        ["not_owner"] = 409,
        ["not_permitted"] = 403,
        ["not_registry_admin"] = 403,
        ["notification_already_filed"] = 409,
        ["notification_not_found"] = 404,
        ["organisation_already_registered"] = 409,
        ["organisation_not_registered"] = 404,
        ["parent_cycle"] = 422,
        ["parent_not_registered"] = 404,
        ["reason_required"] = 422,
        ["rejected"] = 422,
        ["sale_already_offered"] = 409,
        ["version_mismatch"] = 412,
        ["void_dependents_by_others"] = 409,
        ["void_not_permitted"] = 409,
    };

    [Fact]
    public void every_code_keeps_the_status_the_suffix_rules_gave_it()
    {
        var changed = StatusesBeforeKinds.Where(p => DomainProblems.StatusOf(p.Key) != p.Value)
            .Select(p => $"{p.Key}: {p.Value} before, {DomainProblems.StatusOf(p.Key)} now").ToList();

        Assert.Empty(changed);
    }

    [Fact]
    public void every_code_the_suffix_rules_answered_is_declared_with_a_kind()
    {
        Assert.DoesNotContain(StatusesBeforeKinds.Keys, code => DomainErrorKinds.Of(code) is null);
    }

    [Theory]
    [InlineData(ErrorKind.Refused, 403)]
    [InlineData(ErrorKind.NotFound, 404)]
    [InlineData(ErrorKind.Conflict, 409)]
    [InlineData(ErrorKind.PreconditionFailed, 412)]
    [InlineData(ErrorKind.Invalid, 422)]
    public void each_kind_has_one_status(ErrorKind kind, int status)
    {
        Assert.Equal(status, DomainProblems.StatusOf(kind));
    }
}
