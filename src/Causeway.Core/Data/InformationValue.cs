namespace Causeway.Core.Data;

/// <summary>
/// Weight of evidence per bin and the information value of a binned feature (Siddiqi, "Credit Risk Scorecards", 2006;
/// FATE's Hetero feature binning).
/// </summary>
/// <remarks>
/// With e_i and n_i the events and non-events of bin i and E, N their totals: WOE_i = ln((e_i / E) / (n_i / N)) and
/// IV = Σ_i (e_i / E − n_i / N) · WOE_i. A bin with no events or no non-events would give an infinite WOE, so such a
/// bin uses e_i + a and n_i + a (a = <see cref="Adjustment"/> = 0.5, FATE's adjustment factor) in both ratios.
/// Rough reading of IV: &lt; 0.02 useless, 0.02–0.1 weak, 0.1–0.3 medium, &gt; 0.3 strong.
/// </remarks>
/// <param name="WeightsOfEvidence">Per bin, its weight of evidence.</param>
/// <param name="Value">The feature's information value.</param>
public sealed record InformationValue(double[] WeightsOfEvidence, double Value)
{
    /// <summary>The count added to both sides of a bin with no events or no non-events.</summary>
    public const double Adjustment = 0.5;

    /// <summary>The weights of evidence and information value of the counts.</summary>
    /// <exception cref="ArgumentException">There are no events or no non-events at all.</exception>
    public static InformationValue Compute(BinLabelCounts counts)
    {
        ArgumentNullException.ThrowIfNull(counts);
        if (counts.Events.Length != counts.NonEvents.Length)
        {
            throw new ArgumentException("Events and non-events need one count per bin each.", nameof(counts));
        }

        double events = counts.Events.Sum();
        double nonEvents = counts.NonEvents.Sum();
        if (events == 0 || nonEvents == 0)
        {
            throw new ArgumentException("Information value needs both events and non-events.", nameof(counts));
        }

        var woe = new double[counts.Events.Length];
        var value = 0.0;
        for (var i = 0; i < woe.Length; i++)
        {
            var adjust = counts.Events[i] == 0 || counts.NonEvents[i] == 0 ? Adjustment : 0.0;
            var eventShare = (counts.Events[i] + adjust) / events;
            var nonEventShare = (counts.NonEvents[i] + adjust) / nonEvents;
            woe[i] = Math.Log(eventShare / nonEventShare);
            value += (eventShare - nonEventShare) * woe[i];
        }

        return new InformationValue(woe, value);
    }

    public bool Equals(InformationValue? other) =>
        other is not null && Value.Equals(other.Value) && WeightsOfEvidence.SequenceEqual(other.WeightsOfEvidence);

    public override int GetHashCode() => HashCode.Combine(Value, WeightsOfEvidence.Length);
}
