using Causeway.Core.Data;

namespace Causeway.Federation.Horizontal.Robust;

/// <summary>The seeded choices of a simulated attack: who is malicious, and what flipped labels look like.</summary>
internal static class Attacks
{
    /// <summary>
    /// The malicious parties: the first <see cref="AttackOptions.MaliciousCount"/> of a Fisher–Yates shuffle of
    /// <paramref name="parties"/> seeded from the run seed (the same parties for the same seed and party list).
    /// </summary>
    public static IReadOnlySet<PartyId> ChooseMalicious(IReadOnlyList<PartyId> parties, AttackOptions attack, ulong seed)
    {
        ArgumentNullException.ThrowIfNull(parties);
        ArgumentNullException.ThrowIfNull(attack);
        var order = parties.ToArray();
        new Random(unchecked((int)RunSeeds.Mix(seed ^ 0xA77AC4UL))).Shuffle(order);
        return order.Take(attack.MaliciousCount(order.Length)).ToHashSet();
    }

    /// <summary>
    /// A copy of <paramref name="data"/> with flipped labels: 1 − y for binary labels (<paramref name="classes"/> = 2),
    /// C − 1 − y for C classes, −y for a regression target (<paramref name="classes"/> = 0).
    /// </summary>
    public static TabularData FlipLabels(TabularData data, int classes)
    {
        ArgumentNullException.ThrowIfNull(data);
        var labels = new float[data.Rows];
        for (var r = 0; r < labels.Length; r++)
        {
            var y = data.Labels[r];
            labels[r] = classes >= 2 ? classes - 1 - y : -y;
        }

        return new TabularData(data.Features, labels, data.Columns, data.FeatureNames);
    }
}
