namespace Causeway.Core.Data;

/// <summary>Splits a table's rows into training and held-out rows.</summary>
public static class HoldOut
{
    /// <summary>
    /// A seeded split that holds out round(fraction × n) rows of each class, so both sides keep the class mix (for a
    /// regression target, pass <paramref name="classes"/> 0: a plain seeded split). Each side lists its rows in
    /// ascending order.
    /// </summary>
    /// <param name="labels">Every row's label (a class index, or the regression value).</param>
    /// <param name="classes">The number of classes, or 0 for regression.</param>
    /// <param name="fraction">The share of rows held out, in (0, 1).</param>
    /// <param name="random">The seeded source of the split.</param>
    public static (int[] Train, int[] Test) Stratified(ReadOnlySpan<float> labels, int classes, double fraction, Random random)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(classes);
        ArgumentNullException.ThrowIfNull(random);
        if (!(fraction > 0 && fraction < 1))
        {
            throw new ArgumentOutOfRangeException(nameof(fraction), fraction, "The held-out fraction must lie in (0, 1).");
        }

        // One stratum per class; a regression target is one stratum.
        var strata = new List<int>[Math.Max(1, classes)];
        for (var s = 0; s < strata.Length; s++)
        {
            strata[s] = [];
        }

        for (var row = 0; row < labels.Length; row++)
        {
            strata[classes == 0 ? 0 : (int)labels[row]].Add(row);
        }

        var train = new List<int>(labels.Length);
        var test = new List<int>((int)(labels.Length * fraction) + strata.Length);
        foreach (var stratum in strata)
        {
            var rows = stratum.ToArray();
            random.Shuffle(rows);
            var held = (int)Math.Round(rows.Length * fraction, MidpointRounding.AwayFromZero);
            test.AddRange(rows.AsSpan(0, held));
            train.AddRange(rows.AsSpan(held));
        }

        train.Sort();
        test.Sort();
        return ([.. train], [.. test]);
    }
}
