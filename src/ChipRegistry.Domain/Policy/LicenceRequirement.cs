using System.Globalization;
using ChipRegistry.Domain.Catalog;
using ChipRegistry.Domain.Common;
using ChipRegistry.Domain.Organisations;
using NodaTime;

namespace ChipRegistry.Domain.Policy;

public enum LicenceVerdict
{
    NotRequired,
    Required,

    /// <summary>An unknown input of the model decides: the registry does not guess.</summary>
    Undetermined,
}

public enum LicenceExceptionPath
{
    None,

    /// <summary>Licence exception NAC (15 CFR 740.8): a notification instead of a licence (consumer 3A090.a).</summary>
    NacEligible,
}

public enum ReviewPolicy
{
    /// <summary>No licence is required, so no review.</summary>
    NotApplicable,

    /// <summary>A licence is required; the registry holds no stated review policy for this case.</summary>
    Unspecified,
    CaseByCase,
    PresumptionOfDenial,

    /// <summary>The review policy depends on an unknown input (e.g. DRAM bandwidth).</summary>
    Undetermined,
}

/// <summary>Moving <see cref="Model"/> to <see cref="Destination"/> for <see cref="Party"/> (with its ultimate parent) on <see cref="Date"/>.</summary>
public sealed record LicenceQuestion(AcceleratorSpec Model, string Destination, PartyJurisdiction Party, LocalDate Date);

/// <summary>
/// The answer and why: <see cref="RuleId"/> is the rule (see <see cref="RuleCalendar"/>) that decides the requirement,
/// <see cref="ReasonCode"/> a stable code, <see cref="Reason"/> the human explanation with the computed figures.
/// </summary>
public sealed record LicenceAnswer(
    LicenceVerdict Verdict,
    string RuleId,
    Classification? Classification,
    LicenceExceptionPath Exception,
    ReviewPolicy Review,
    string? ReviewRuleId,
    string ReasonCode,
    string Reason)
{
    public bool Required => Verdict == LicenceVerdict.Required;
}

/// <summary>The destination-and-party licence requirement for 3A090 items, judged by the rules in force on the date.</summary>
public static class LicenceRequirement
{
    private static string N(decimal value) => value.ToString("#,##0.##", CultureInfo.InvariantCulture);

    /// <summary>
    /// Does moving <paramref name="model"/> to <paramref name="destination"/> for <paramref name="organisationId"/>
    /// (with its ultimate parent on that date, from <paramref name="directory"/>) on <paramref name="date"/> need a licence?
    /// </summary>
    public static LicenceAnswer Evaluate(AcceleratorSpec model, string destination, string organisationId, OrganisationDirectory directory, LocalDate date)
    {
        var party = directory.Jurisdiction(organisationId, date) ?? throw new ArgumentException($"organisation '{organisationId}' is not in the directory", nameof(organisationId));
        return Evaluate(new LicenceQuestion(model, destination, party, date));
    }

    /// <summary>
    /// The Part 746 embargoes first (they apply whatever the chip's class), then the advanced-computing rules, then the
    /// individual notice of 2022-08-26 for what those rules leave unlicensed.
    /// </summary>
    public static LicenceAnswer Evaluate(LicenceQuestion q)
    {
        if (!Countries.IsAlpha2(q.Destination)) throw new ArgumentException($"'{q.Destination}' is not an ISO alpha-2 code", nameof(q));
        if (Embargo(q) is { } embargoed) return embargoed;
        var answer = AdvancedComputing(q);
        return answer.Verdict == LicenceVerdict.NotRequired && Notice2022Reaches(q) ? Notice2022(q) : answer;
    }

    private static LicenceAnswer? Embargo(LicenceQuestion q)
    {
        var destination = Countries.AsTreatedByEar(q.Destination);
        if (RuleCalendar.Embargoes.FirstOrDefault(r => r.InForceOn(q.Date) && r.Destinations.Contains(destination)) is not { } rule) return null;
        var notice = Notice2022Reaches(q) ? $"; also the individual notice of {RuleCalendar.IndividualNotice2022.EffectiveFrom:yyyy-MM-dd} for {q.Model.Name}" : "";
        return new(LicenceVerdict.Required, rule.Id, null, LicenceExceptionPath.None, ReviewPolicy.Unspecified, null, "embargo_part_746",
            $"{rule.Citation}, in force from {rule.EffectiveFrom:yyyy-MM-dd}: destination {q.Destination}: {rule.Changed}{notice}");
    }

    private static bool Notice2022Reaches(LicenceQuestion q)
    {
        var notice = RuleCalendar.IndividualNotice2022;
        return notice.InForceOn(q.Date) && notice.Models.Contains(q.Model.ModelId) && notice.Destinations.Contains(q.Destination);
    }

    private static LicenceAnswer Notice2022(LicenceQuestion q)
    {
        var notice = RuleCalendar.IndividualNotice2022;
        return new(LicenceVerdict.Required, notice.Id, null, LicenceExceptionPath.None, ReviewPolicy.Unspecified, null, "individual_notice",
            $"individual notice of {notice.EffectiveFrom:yyyy-MM-dd}: {q.Model.Name} to {q.Destination} ({notice.Changed})");
    }

    private static LicenceAnswer AdvancedComputing(LicenceQuestion q)
    {
        if (q.Date < RuleCalendar.Rule2022.EffectiveFrom)
        {
            return new(LicenceVerdict.NotRequired, "none", null, LicenceExceptionPath.None, ReviewPolicy.NotApplicable, null,
                "before_advanced_computing_rules", $"no advanced-computing rule before {RuleCalendar.Rule2022.EffectiveFrom:yyyy-MM-dd} reaches {q.Model.Name} to {q.Destination}");
        }

        var notice2023 = RuleCalendar.IndividualNotice2023.InForceOn(q.Date) && RuleCalendar.IndividualNotice2023.Models.Contains(q.Model.ModelId);
        var answer = RuleCalendar.Rule2023.InForceOn(q.Date) || notice2023 ? Under2023(q, notice2023) : Under2022(q);
        return answer.Required ? WithReview(answer, q) : answer;
    }

    private static LicenceAnswer Under2022(LicenceQuestion q)
    {
        var rule = RuleCalendar.Rule2022.Id;
        var cls = Classifier.Classify(q.Model, RuleVintage.Rule2022);
        if (cls.Class == ControlClass.Undetermined)
        {
            return new(LicenceVerdict.Undetermined, rule, cls, LicenceExceptionPath.None, ReviewPolicy.NotApplicable, null, "classification_undetermined", cls.Reason);
        }
        if (!cls.IsControlled)
        {
            return new(LicenceVerdict.NotRequired, rule, cls, LicenceExceptionPath.None, ReviewPolicy.NotApplicable, null, "not_controlled_2022", cls.Reason);
        }
        var destination = Countries.AsTreatedByEar(q.Destination);
        if (destination == Countries.China)
        {
            return new(LicenceVerdict.Required, rule, cls, LicenceExceptionPath.None, ReviewPolicy.Unspecified, null,
                "china_destination_2022", $"2022 rule: destination {q.Destination} is China (Hong Kong included); {cls.Reason}");
        }
        if (destination == Countries.Macau && RuleCalendar.Macau2023.InForceOn(q.Date))
        {
            return new(LicenceVerdict.Required, RuleCalendar.Macau2023.Id, cls, LicenceExceptionPath.None, ReviewPolicy.Unspecified, null,
                "macau_destination_2023", $"Macau rule of 2023-01-17; {cls.Reason}");
        }
        var scope = RuleCalendar.Macau2023.InForceOn(q.Date) ? "China and Macau destinations only" : "China destinations only";
        return new(LicenceVerdict.NotRequired, rule, cls, LicenceExceptionPath.None, ReviewPolicy.NotApplicable, null,
            "destination_outside_2022_scope", $"2022 rule: {scope}; {q.Destination} is neither, whatever the parent");
    }

    private static LicenceAnswer Under2023(LicenceQuestion q, bool notice2023)
    {
        var rule = notice2023 && !RuleCalendar.Rule2023.InForceOn(q.Date) ? RuleCalendar.IndividualNotice2023.Id : RuleCalendar.Rule2023.Id;
        var cls = Classifier.Classify(q.Model, RuleVintage.Rule2023);
        if (cls.Class == ControlClass.Undetermined)
        {
            return new(LicenceVerdict.Undetermined, rule, cls, LicenceExceptionPath.None, ReviewPolicy.NotApplicable, null, "classification_undetermined", cls.Reason);
        }

        var destination = Countries.AsTreatedByEar(q.Destination);
        if (!cls.IsControlled)
        {
            var notice = RuleCalendar.IndividualNotice2025;
            var noticeReaches = notice.Destinations.Contains(q.Destination) || CountryGroups.IsMember(CountryGroup.D5, destination, q.Date);
            if (notice.InForceOn(q.Date) && notice.Models.Contains(q.Model.ModelId) && noticeReaches)
            {
                return new(LicenceVerdict.Required, notice.Id, cls, LicenceExceptionPath.None, ReviewPolicy.Unspecified, null, "individual_notice",
                    $"individual notice of {notice.EffectiveFrom:yyyy-MM-dd} (bandwidth: memory {Show(q.Model.MemoryBandwidthGBs)} GB/s, interconnect {Show(q.Model.InterconnectBandwidthGBs)} GB/s) for {q.Destination}; {cls.Reason}");
            }
            return new(LicenceVerdict.NotRequired, rule, cls, LicenceExceptionPath.None, ReviewPolicy.NotApplicable, null, "outside_3a090", cls.Reason);
        }

        var exception = cls.NacEligibleConsumerItem ? LicenceExceptionPath.NacEligible : LicenceExceptionPath.None;
        var because = DestinationReason(q.Destination, destination, q.Date) ?? PartyReason(q.Party, q.Date);
        if (because is null)
        {
            var groups = CountryGroups.GroupsOf(destination, q.Date);
            var groupText = groups.Count == 0 ? "in no country group D:1/D:4/D:5" : $"in {string.Join(", ", groups.Select(CountryGroups.Label))}";
            return new(LicenceVerdict.NotRequired, rule, cls, LicenceExceptionPath.None, ReviewPolicy.NotApplicable, null, "destination_not_restricted",
                $"destination {q.Destination} is {groupText}; {q.Party.OrganisationId} ({q.Party.Country}) has no D:5 or Macau ultimate parent ({q.Party.UltimateParentId}, {q.Party.UltimateParentCountry}); {cls.Reason}");
        }
        var (code, text) = because.Value;
        if (notice2023 && rule == RuleCalendar.IndividualNotice2023.Id)
        {
            code = "individual_notice";
            text = $"individual notice of {RuleCalendar.IndividualNotice2023.EffectiveFrom:yyyy-MM-dd}: the 2023 rule applied at once to this model; {text}";
        }
        var nac = exception == LicenceExceptionPath.NacEligible ? "; consumer item, NAC-eligible" : "";
        return new(LicenceVerdict.Required, rule, cls, exception, ReviewPolicy.Unspecified, null, code, $"{text}; {cls.Reason}{nac}");
    }

    private static (string Code, string Text)? DestinationReason(string original, string destination, LocalDate date)
    {
        if (destination == Countries.Macau) return ("macau_destination", $"destination {original} is Macau (2023 rule)");
        var alsoA = CountryGroups.IsMember(CountryGroup.A5, destination, date) || CountryGroups.IsMember(CountryGroup.A6, destination, date);
        if (alsoA) return null;
        if (CountryGroups.IsMember(CountryGroup.D5, destination, date)) return ("d5_destination", $"destination {original} is in D:5 (2023 rule)");
        if (CountryGroups.IsMember(CountryGroup.D1, destination, date)) return ("d1_destination", $"destination {original} is in D:1 (2023 rule)");
        if (CountryGroups.IsMember(CountryGroup.D4, destination, date)) return ("d4_destination", $"destination {original} is in D:4 (2023 rule)");
        return null;
    }

    private static (string Code, string Text)? PartyReason(PartyJurisdiction party, LocalDate date)
    {
        if (CountryGroups.IsD5OrMacau(Countries.AsTreatedByEar(party.Country), date))
        {
            return ("d5_headquartered", $"{party.OrganisationId} is headquartered in {party.Country} (D:5 or Macau), wherever the chip goes");
        }
        if (CountryGroups.IsD5OrMacau(Countries.AsTreatedByEar(party.UltimateParentCountry), date))
        {
            return ("d5_parent", $"{party.OrganisationId}'s ultimate parent {party.UltimateParentId} is headquartered in {party.UltimateParentCountry} (D:5 or Macau)");
        }
        return null;
    }

    private static LicenceAnswer WithReview(LicenceAnswer answer, LicenceQuestion q)
    {
        var rule = RuleCalendar.Rule2026;
        var destination = Countries.AsTreatedByEar(q.Destination);
        if (!rule.InForceOn(q.Date) || destination is not (Countries.China or Countries.Macau)) return answer;

        var tpp = Metrics.Tpp(q.Model);
        var dram = q.Model.MemoryBandwidthGBs?.Value;
        if (tpp is null || dram is null)
        {
            return answer with { Review = ReviewPolicy.Undetermined, ReviewRuleId = rule.Id, Reason = $"{answer.Reason}; 2026 rule: TPP or DRAM bandwidth unknown, review policy undetermined" };
        }
        if (tpp < RuleCalendar.CaseByCaseMaxTpp && dram < RuleCalendar.CaseByCaseMaxDramBandwidthGBs)
        {
            return answer with
            {
                Review = ReviewPolicy.CaseByCase, ReviewRuleId = rule.Id,
                Reason = $"{answer.Reason}; 2026 rule: TPP {N(tpp.Value)} < {N(RuleCalendar.CaseByCaseMaxTpp)} and memory {N(dram.Value)} < {N(RuleCalendar.CaseByCaseMaxDramBandwidthGBs)} GB/s: case-by-case review",
            };
        }
        var which = tpp >= RuleCalendar.CaseByCaseMaxTpp
            ? $"TPP {N(tpp.Value)} ≥ {N(RuleCalendar.CaseByCaseMaxTpp)}"
            : $"memory {N(dram.Value)} ≥ {N(RuleCalendar.CaseByCaseMaxDramBandwidthGBs)} GB/s";
        return answer with { Review = ReviewPolicy.PresumptionOfDenial, ReviewRuleId = rule.Id, Reason = $"{answer.Reason}; 2026 rule: {which}: presumption of denial" };
    }

    private static string Show(Figure? f) => f is null ? "?" : N(f.Value) + (f.Estimated ? " est." : "");
}
