namespace ChipRegistry.Domain.Detection.Thresholds;

/// <summary>
/// The catalogue of detection thresholds and their defaults (domain.md section 4; the defaults are design choices
/// there, so each one can be changed by an effective-dated <see cref="DetectionThresholdChanged"/>).
/// </summary>
public static class DetectionThresholds
{
    public const string CustodyGapInternationalDays = "custody_gap_international_days";
    public const string CustodyGapDomesticDays = "custody_gap_domestic_days";
    public const string DivergenceInstallDays = "divergence_install_days";
    public const string TransshipmentHubs = "transshipment_hubs";
    public const string TransshipmentDays = "transshipment_days";
    public const string SurgeWindowDays = "surge_window_days";
    public const string SurgeMultiple = "surge_multiple";
    public const string SurgeLeadDays = "surge_lead_days";
    public const string SurgeHistoryMonths = "surge_history_months";
    public const string IdleMinChips = "idle_min_chips";
    public const string IdleDays = "idle_days";
    public const string NewEntityMonths = "new_entity_months";
    public const string NewEntityMinChips = "new_entity_min_chips";
    public const string PowerUsageEffectiveness = "power_usage_effectiveness";
    public const string MaxSpeedKmh = "max_speed_kmh";
    public const string AttestationSilenceDays = "attestation_silence_days";
    public const string TenancyMinChips = "tenancy_min_chips";
    public const string TenancyMinDays = "tenancy_min_days";
    public const string SiteH100e = "site_h100e";
    public const string Tier2CountryTpp = "tier2_country_tpp";
    public const string CustomerH100ePerYear = "customer_h100e_per_year";
    public const string LateReportDays = "late_report_days";

    public static IReadOnlyList<DetectionThreshold> All { get; } =
    [
        new(CustodyGapInternationalDays, 1, ThresholdKind.Number, "days", "30", "an international shipment not received by the named consignee within this many days"),
        new(CustodyGapDomesticDays, 1, ThresholdKind.Number, "days", "10", "a domestic shipment not received by the named consignee within this many days"),
        new(DivergenceInstallDays, 5, ThresholdKind.Number, "days", "60", "bill-to, ship-to and install countries diverge and no install follows delivery within this many days"),
        new(TransshipmentHubs, 6, ThresholdKind.Countries, "countries", "SG,MY,TH,HK,AE", "the watch-list hubs a quick re-export from is a transshipment hop"),
        new(TransshipmentDays, 6, ThresholdKind.Number, "days", "14", "a re-export from a hub within this many days of arrival"),
        new(SurgeWindowDays, 7, ThresholdKind.Number, "days", "90", "the window of acquisitions compared with the trailing monthly mean"),
        new(SurgeMultiple, 7, ThresholdKind.Number, "times", "3", "acquisitions in the window at least this many times the trailing monthly mean"),
        new(SurgeLeadDays, 7, ThresholdKind.Number, "days", "120", "a surge counts within this many days before a rule's effective date affecting the model"),
        new(SurgeHistoryMonths, 7, ThresholdKind.Number, "months", "6", "the earlier acquisitions a trailing mean needs before a surge can be judged"),
        new(IdleMinChips, 8, ThresholdKind.Number, "chips", "256", "chips delivered to one organisation and not installed"),
        new(IdleDays, 8, ThresholdKind.Number, "days", "90", "how long delivered chips stay uninstalled before they count as idle"),
        new(NewEntityMonths, 9, ThresholdKind.Number, "months", "12", "an organisation younger than this is a new entity"),
        new(NewEntityMinChips, 9, ThresholdKind.Number, "chips", "256", "acquisitions by a new entity from this many chips on"),
        new(PowerUsageEffectiveness, 10, ThresholdKind.Number, "ratio", "1.3", "installed chips x TDP x this factor compared with the facility's declared power"),
        new(MaxSpeedKmh, 11, ThresholdKind.Number, "km/h", "1000", "an implied speed between two observations above this is impossible"),
        new(AttestationSilenceDays, 12, ThresholdKind.Number, "days", "30", "an installed chip without a location attestation for this many days"),
        new(TenancyMinChips, 13, ThresholdKind.Number, "chips", "256", "cluster capacity assigned to a restricted-parent tenant"),
        new(TenancyMinDays, 13, ThresholdKind.Number, "days", "7", "how long that capacity stays assigned"),
        new(SiteH100e, 14, ThresholdKind.Number, "H100e", "100000", "a facility's, operator's or ultimate parent's installed aggregate"),
        new(Tier2CountryTpp, 14, ThresholdKind.Number, "TPP", "790000000", "a Tier-2 country's installed aggregate"),
        new(CustomerH100ePerYear, 14, ThresholdKind.Number, "H100e", "1700", "a single Tier-2 customer's acquisitions in a calendar year"),
        new(LateReportDays, 17, ThresholdKind.Number, "days", "30", "a shipment or receipt recorded this many days after its stated business time"),
    ];

    private static readonly Dictionary<string, DetectionThreshold> ByName = All.ToDictionary(t => t.Name, StringComparer.Ordinal);

    public static bool TryFind(string name, out DetectionThreshold threshold) => ByName.TryGetValue(name, out threshold!);
}
