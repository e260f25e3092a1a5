namespace Causeway.Federation.Vertical.Training;

/// <summary>
/// Vertical inference for linear models: to score an ID, every party that holds it computes its partial score
/// u_p = x_p·w_p from its own row (<see cref="PartialScores"/>, at the party) and sends only that number; the guest
/// adds them to its own and applies the link (<see cref="Combine"/>). Features and weights never cross.
/// </summary>
public static class VerticalScoring
{
    /// <summary>At a party: u_p = x_p·w_p (+ intercept, the last weight, at the guest) for each row.</summary>
    /// <exception cref="ArgumentException">The weights do not fit the party's columns.</exception>
    public static double[] PartialScores(IReadOnlyList<double> weights, bool intercept, VerticalPartyData rows)
    {
        ArgumentNullException.ThrowIfNull(weights);
        ArgumentNullException.ThrowIfNull(rows);
        if (weights.Count != rows.Columns + (intercept ? 1 : 0))
        {
            throw new ArgumentException($"{weights.Count} weights do not fit {rows.Columns} columns{(intercept ? " and an intercept" : string.Empty)}.", nameof(weights));
        }

        var scores = new double[rows.Rows];
        for (var i = 0; i < scores.Length; i++)
        {
            scores[i] = Score(weights, intercept, rows.Row(i));
        }

        return scores;
    }

    /// <summary>x·w (+ the intercept, the last weight) for one row.</summary>
    internal static double Score(IReadOnlyList<double> weights, bool intercept, ReadOnlySpan<float> row)
    {
        var u = intercept ? weights[row.Length] : 0.0;
        for (var j = 0; j < row.Length; j++)
        {
            u += row[j] * weights[j];
        }

        return u;
    }

    /// <summary>At the guest: u = u_g + Σ u_h, then σ(u) for logistic losses or u for the squared loss.</summary>
    /// <exception cref="ArgumentException">A host's scores are in the wrong form or of another length.</exception>
    public static double[] Combine(VerticalLoss loss, ReadOnlySpan<double> guestScores, IReadOnlyList<PartialScoresMessage> hostScores)
    {
        ArgumentNullException.ThrowIfNull(hostScores);
        var result = guestScores.ToArray();
        foreach (var scores in hostScores)
        {
            if (scores.Plain is not { } plain || plain.Length != result.Length)
            {
                throw new ArgumentException($"Host {scores.Host} sent {scores.Plain?.Length.ToString() ?? "no plain"} partial scores for {result.Length} rows.", nameof(hostScores));
            }

            for (var i = 0; i < result.Length; i++)
            {
                result[i] += plain[i];
            }
        }

        if (loss != VerticalLoss.Squared)
        {
            for (var i = 0; i < result.Length; i++)
            {
                result[i] = 1.0 / (1.0 + Math.Exp(-result[i]));
            }
        }

        return result;
    }
}
