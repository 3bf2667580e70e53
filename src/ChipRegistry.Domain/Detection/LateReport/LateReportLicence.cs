using ChipRegistry.Domain.Chips;
using ChipRegistry.Domain.Detection.Flags;
using ChipRegistry.Domain.Policy;
using ChipRegistry.EventStore;
using NodaTime;

namespace ChipRegistry.Domain.Detection.LateReport;

/// <summary>
/// The licence answer a shipment would get on a given date (<see cref="LicenceRequirement"/>, the stricter of the
/// consignee's and the end user's, as the shipment itself computes it), from the chip's model, the model's spec and the
/// parties' parent chains as the streams stood when the shipment was recorded (<see cref="ReferenceStreams"/>).
/// </summary>
public sealed class LateReportLicence
{
    private readonly ReferenceStreams reference;

    private LateReportLicence(ReferenceStreams reference) => this.reference = reference;

    /// <summary>Reads the streams the shipments' answers need: their chips, the chips' models, the parties and their parents.</summary>
    public static async Task<LateReportLicence> LoadAsync(
        AsyncProjectionBatch batch, EventSerializer serializer, IReadOnlyCollection<ChipShipped> shipments, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(batch);
        ArgumentNullException.ThrowIfNull(shipments);
        var reference = new ReferenceStreams(serializer);
        if (shipments.Count > 0)
        {
            await reference.LoadChipModelsAsync(batch, shipments.Select(s => s.ChipId).Distinct(StringComparer.Ordinal), cancellationToken);
            await reference.LoadOrganisationsAsync(batch, shipments.SelectMany(s => new[] { s.ConsigneeId, s.EndUserId }).Distinct(StringComparer.Ordinal),
                cancellationToken);
        }
        return new LateReportLicence(reference);
    }

    /// <summary>
    /// The verdict (<c>required</c>, <c>not_required</c>, <c>undetermined</c>) the shipment recorded at
    /// <paramref name="seqId"/> would get at <paramref name="at"/>; null when its model or a party is not known then.
    /// </summary>
    public string? VerdictAt(ChipShipped shipment, long seqId, Instant at)
    {
        ArgumentNullException.ThrowIfNull(shipment);
        if (reference.ModelOf(shipment.ChipId, seqId) is not { } model) return null;
        var spec = model.EffectiveSpecAt(at) ?? model.EffectiveSpec;
        var directory = reference.DirectoryAt(seqId);
        var date = at.InUtc().Date;
        if (directory.Jurisdiction(shipment.ConsigneeId, date) is not { } consignee || directory.Jurisdiction(shipment.EndUserId, date) is not { } endUser)
        {
            return null;
        }
        var answer = ChipDecisions.Stricter(
            LicenceRequirement.Evaluate(new LicenceQuestion(spec, shipment.DestinationCountry, consignee, date)),
            LicenceRequirement.Evaluate(new LicenceQuestion(spec, shipment.DestinationCountry, endUser, date)));
        return answer.Verdict switch
        {
            LicenceVerdict.Required => "required",
            LicenceVerdict.NotRequired => "not_required",
            _ => "undetermined",
        };
    }
}
