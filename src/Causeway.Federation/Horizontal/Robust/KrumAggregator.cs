using System.Globalization;
using System.Numerics.Tensors;
using Causeway.Core.Tensors;

namespace Causeway.Federation.Horizontal.Robust;

/// <summary>
/// Krum and Multi-Krum (Blanchard et al. 2017, "Machine Learning with Adversaries: Byzantine Tolerant Gradient
/// Descent"): keep the deltas closest to their nearest neighbours, assuming at most f of N are Byzantine.
/// </summary>
/// <remarks>
/// <para>
/// Effectively computes, for every delta k, the score <c>s(k) = Σ_{j ∈ N_k} ‖Δ_k − Δ_j‖²</c> where N_k are the
/// N − f − 2 deltas nearest to Δ_k (excluding itself); Krum returns the delta with the least score, Multi-Krum the
/// unweighted mean of the m deltas with the least scores. Requires N &gt; 2f + 2 and m ≤ N − f; with fewer updates
/// the aggregation reports a <see cref="IAggregation.Problem"/> and the round fails. Equal scores are broken by fold
/// order (the earlier delta wins), so fold in selection order for a reproducible choice.
/// </para>
/// <para>
/// Buffers the round: it holds all N accepted deltas until the round closes (N × model floats, against one model for
/// the streaming <see cref="WeightedMeanAggregator"/>), plus an N × N matrix of doubles. The distances cost
/// N(N − 1)/2 passes over pairs of deltas.
/// </para>
/// </remarks>
public sealed class KrumAggregator : IAggregator, IBufferedRule
{
    /// <param name="byzantine">f ≥ 0, the number of Byzantine updates tolerated.</param>
    /// <param name="select">
    /// m ≥ 1, the number of deltas averaged: 1 is Krum; null is Multi-Krum with m = N − f for the N updates that arrived.
    /// </param>
    public KrumAggregator(int byzantine, int? select = 1)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(byzantine);
        if (select is < 1)
        {
            throw new ArgumentOutOfRangeException(nameof(select), select, "Krum must select at least one delta.");
        }

        Byzantine = byzantine;
        Select = select;
    }

    /// <summary>f, the number of Byzantine updates tolerated.</summary>
    public int Byzantine { get; }

    /// <summary>m, the number of deltas averaged; null for N − f.</summary>
    public int? Select { get; }

    /// <summary>The least number of updates this aggregator can aggregate: max(2f + 3, m + f).</summary>
    public int MinimumUpdates => Math.Max((2 * Byzantine) + 3, (Select ?? 1) + Byzantine);

    public IAggregation Begin(ParameterSet destination, RoundInfo round)
    {
        ArgumentNullException.ThrowIfNull(destination);
        return new BufferedAggregation(destination, this);
    }

    /// <summary>Why <paramref name="count"/> updates are too few, or null.</summary>
    public string? Problem(int count)
    {
        var name = Select == 1 ? "krum" : "multi-krum";
        var f = Byzantine.ToString(CultureInfo.InvariantCulture);
        if (count <= (2 * Byzantine) + 2)
        {
            return $"{name} with byzantine = {f} needs more than 2f + 2 = {(2 * Byzantine) + 2} updates, but {count} were accepted";
        }

        return Select is { } m && m > count - Byzantine
            ? $"{name} selecting {m} with byzantine = {f} needs at least m + f = {m + Byzantine} updates, but {count} were accepted"
            : null;
    }

    /// <summary>The indices of the deltas Krum keeps, best score first (ties: lower index first).</summary>
    /// <exception cref="ArgumentException">No delta, deltas of different lengths, or too few deltas for f and m.</exception>
    public int[] Choose(IReadOnlyList<ParameterSet> deltas)
    {
        ArgumentNullException.ThrowIfNull(deltas);
        CoordinateKernel.RequireShapes(deltas, deltas.Count > 0 ? deltas[0].Length : 0);
        var n = deltas.Count;
        if (Problem(n) is { } problem)
        {
            throw new ArgumentException(problem, nameof(deltas));
        }

        var distances = new double[n, n];
        for (var i = 0; i < n; i++)
        {
            for (var j = i + 1; j < n; j++)
            {
                double d = TensorPrimitives.Distance<float>(deltas[i].Values, deltas[j].Values);
                distances[i, j] = distances[j, i] = d * d;
            }
        }

        var neighbours = n - Byzantine - 2;
        var scores = new double[n];
        var row = new double[n - 1];
        for (var i = 0; i < n; i++)
        {
            for (int j = 0, r = 0; j < n; j++)
            {
                if (j != i)
                {
                    row[r++] = distances[i, j];
                }
            }

            Array.Sort(row);
            var score = 0.0;
            for (var r = 0; r < neighbours; r++)
            {
                score += row[r];
            }

            scores[i] = score;
        }

        var order = Enumerable.Range(0, n).ToArray();
        Array.Sort(order, (a, b) => scores[a] != scores[b] ? scores[a].CompareTo(scores[b]) : a.CompareTo(b));
        return order[..(Select ?? (n - Byzantine))];
    }

    /// <summary>Writes the unweighted mean of the deltas <see cref="Choose"/> keeps into <paramref name="destination"/>.</summary>
    /// <exception cref="ArgumentException">As <see cref="Choose"/>, or a destination of another length.</exception>
    public void Aggregate(IReadOnlyList<ParameterSet> deltas, Span<float> destination)
    {
        var chosen = Choose(deltas);
        CoordinateKernel.RequireShapes(deltas, destination.Length);
        deltas[chosen[0]].Values.CopyTo(destination);
        for (var c = 1; c < chosen.Length; c++)
        {
            TensorPrimitives.Add(destination, deltas[chosen[c]].Values, destination);
        }

        if (chosen.Length > 1)
        {
            TensorPrimitives.Multiply(destination, 1f / chosen.Length, destination);
        }
    }
}
