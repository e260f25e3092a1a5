using System.Collections.Concurrent;
using System.Globalization;

namespace Causeway.Privacy.SecureAggregation;

/// <summary>Which peer graph a session uses.</summary>
public enum SecureAggregationVariant
{
    /// <summary>Bonawitz et al. 2017: every party masks against and shares with every other (O(N) per party).</summary>
    SecAgg,

    /// <summary>Bell et al. 2020: a Harary graph of degree k = O(log N) (O(log N) per party).</summary>
    SecAggPlus,
}

/// <summary>
/// The degree k and threshold t of a session, chosen from the stated dropout and corruption rates so that the
/// probability of a privacy failure stays below <see cref="SecurityTarget"/> and of an unrecoverable sum below
/// <see cref="CorrectnessTarget"/>, with the bounds that give those probabilities.
/// </summary>
/// <remarks>
/// <para>
/// Model. At most D = ⌈δN⌉ parties drop over the whole session (at any phase) and at most C = ⌊γN⌋ collude with the
/// coordinator; which ones is independent of the graph (the graph is fixed by the session label before anyone drops).
/// A party's k neighbours are a uniform k-subset of the N − 1 others (<see cref="MaskingGraph"/>), so the number of
/// dropped neighbours X and of colluding neighbours Y are hypergeometric: X ~ H(N − 1, D, k), Y ~ H(N − 1, C, k).
/// </para>
/// <para>
/// Correctness. The coordinator rebuilds each party's secret from t shares held in its neighbourhood by parties that
/// did not drop; it fails for a party when X &gt; k − t (the party itself may have dropped). Union bound over the N
/// parties: P_correct ≤ N · P[X ≥ k − t + 1].
/// </para>
/// <para>
/// Privacy. (1) An honest party's input is exposed when the coalition gets both of its secrets. Against a coordinator
/// that follows the protocol (semi-honest), it asks for one of the two, so the colluders alone must hold t shares of the
/// other: Y ≥ t. Against a coordinator that lies about dropouts (<c>authenticated</c>: signed keys and the consistency
/// check), an honest neighbour reveals a share only when t members of the owner's neighbourhood signed the same
/// verdict, and each honest party signs one survivor list; getting both secrets then needs 2t ≤ (k + 1) + Y, i.e.
/// Y ≥ 2t − k − 1. Union bound over the honest parties. (2) With a sparse graph, the honest survivors must stay
/// connected, or the coordinator learns the sums of separate components. In H(N, k) a cut needs k/2 consecutive ring
/// positions all dropped or colluding; with R = D + C such parties, P_cut ≤ N · Π_{i&lt;k/2} (R − i)/(N − i).
/// P_privacy = (N − C) · P[Y ≥ bound] + P_cut.
/// </para>
/// <para>
/// Choice. For each even k from 2 up, the largest t that meets the correctness target; the first k whose t also meets
/// the privacy target wins. When no sparse graph does, the complete graph (k = N − 1, where X = D and Y = C exactly)
/// is tried. The union bounds make the printed probabilities upper bounds. Against a coordinator that may lie
/// (<c>authenticated</c>) only the complete graph is used: that coordinator assigns the parties' indices and declares
/// who dropped, so on a sparse graph it could place its colluders around one party or cut the graph at will, and the
/// random-placement bounds above would not hold. On the complete graph the consistency check leaves it the sum of at
/// least t − C honest inputs.
/// </para>
/// </remarks>
public sealed record SecureAggregationParameters(
    SecureAggregationVariant Variant,
    int Parties,
    int Degree,
    int Threshold,
    double DropoutRate,
    double CorruptionRate,
    bool Authenticated,
    double PrivacyFailure,
    double CorrectnessFailure)
{
    /// <summary>The privacy failure probability aimed at: 2^-40 (Bell et al. use 2^-40 for σ).</summary>
    public const double SecurityTarget = 9.094947017729282e-13;

    /// <summary>The probability of an unrecoverable sum aimed at: 2^-20 (Bell et al.'s η).</summary>
    public const double CorrectnessTarget = 9.5367431640625e-07;

    /// <summary>The largest sparse degree tried; beyond it the complete graph is used (and the search stays fast).</summary>
    public const int MaxSparseDegree = 4096;

    /// <summary>The graph degree to put in <see cref="SecureAggregationOptions.Degree"/>: null for the complete graph.</summary>
    public int? OptionsDegree => Degree >= Parties - 1 ? null : Degree;

    /// <summary>
    /// Chooses k and t for <paramref name="parties"/>, or returns an error naming what cannot be met.
    /// </summary>
    /// <param name="variant">SecAgg (complete graph) or SecAgg+ (the sparsest Harary graph that meets both targets).</param>
    /// <param name="parties">N, the parties invited.</param>
    /// <param name="dropoutRate">δ ∈ [0, 1): the fraction of parties that may drop over the whole session.</param>
    /// <param name="corruptionRate">γ ∈ [0, 1): the fraction that may collude with the coordinator.</param>
    /// <param name="authenticated">Whether the coordinator may lie (signed keys and the consistency check; needs 2t &gt; k + 1 + colluders).</param>
    public static (SecureAggregationParameters? Parameters, string? Error) Choose(
        SecureAggregationVariant variant, int parties, double dropoutRate, double corruptionRate, bool authenticated)
    {
        if (parties < 2 || parties > SecureAggregationOptions.MaxParties)
        {
            return (null, $"parties must be between 2 and {SecureAggregationOptions.MaxParties}; got {parties}");
        }

        if (!(dropoutRate is >= 0 and < 1) || !(corruptionRate is >= 0 and < 1) || dropoutRate + corruptionRate >= 1)
        {
            return (null, $"the dropout rate ({dropoutRate}) and corruption rate ({corruptionRate}) must be in [0, 1) and sum below 1");
        }

        var key = (variant, parties, dropoutRate, corruptionRate, authenticated);
        return Chosen.GetOrAdd(key, k => Search(k.Item1, k.Item2, k.Item3, k.Item4, k.Item5));
    }

    // Choices are pure functions of their inputs and are asked for every round: remember them.
    private static readonly ConcurrentDictionary<(SecureAggregationVariant, int, double, double, bool), (SecureAggregationParameters?, string?)> Chosen = new();

    private static (SecureAggregationParameters? Parameters, string? Error) Search(
        SecureAggregationVariant variant, int parties, double dropoutRate, double corruptionRate, bool authenticated)
    {
        var dropped = Math.Min(parties - 1, (int)Math.Ceiling(dropoutRate * parties));
        var corrupt = (int)Math.Floor(corruptionRate * parties);
        var table = new LogFactorials(parties);

        // A coordinator that may lie assigns the indices and declares the dropouts, so on a sparse graph it could place
        // its colluders around one party or cut the graph; against it only the complete graph is used (Bonawitz et al.'s
        // malicious protocol). SecAgg+ is for a coordinator that follows the protocol.
        if (variant == SecureAggregationVariant.SecAggPlus && !authenticated)
        {
            for (var k = 2; k < Math.Min(parties - 1, MaxSparseDegree); k += 2)
            {
                if (Evaluate(k) is { } sparse && sparse.PrivacyFailure <= SecurityTarget)
                {
                    return (sparse, null);
                }
            }
        }

        if (Evaluate(parties - 1) is { } complete && complete.PrivacyFailure <= SecurityTarget)
        {
            return (complete with { Variant = authenticated ? SecureAggregationVariant.SecAgg : variant }, null);
        }

        return (null, string.Create(CultureInfo.InvariantCulture,
            $"no threshold keeps {parties} parties both private and recoverable with {dropoutRate:P0} dropouts and {corruptionRate:P0} colluding parties{(authenticated ? " against a lying coordinator" : "")}; lower either rate"));

        SecureAggregationParameters? Evaluate(int k)
        {
            // The largest t whose correctness bound meets the target (the bound only grows with t: binary search);
            // privacy only improves with t.
            var neighbourhood = k + 1;
            double Correctness(int t) => Math.Min(1, parties * table.HypergeometricTail(parties - 1, dropped, k, k - t + 1));
            if (Correctness(2) > CorrectnessTarget)
            {
                return null;
            }

            int low = 2, high = neighbourhood;
            while (low < high)
            {
                var middle = (low + high + 1) / 2;
                if (Correctness(middle) <= CorrectnessTarget)
                {
                    low = middle;
                }
                else
                {
                    high = middle - 1;
                }
            }

            var t = low;
            var bound = authenticated ? (2 * t) - neighbourhood : t;
            var exposure = bound <= 0 ? 1 : table.HypergeometricTail(parties - 1, corrupt, k, bound);
            var cut = k == parties - 1 ? 0 : parties * RunProbability(parties, dropped + corrupt, k / 2);
            var privacy = Math.Min(1, ((parties - corrupt) * exposure) + cut);
            return new SecureAggregationParameters(variant, parties, k, t, dropoutRate, corruptionRate, authenticated, privacy, Correctness(t));
        }
    }

    /// <summary>One line for logs and bench output: the graph, the threshold and what they guarantee.</summary>
    public string Describe() => string.Create(CultureInfo.InvariantCulture,
        $"{(Variant == SecureAggregationVariant.SecAggPlus ? "SecAgg+" : "SecAgg")} on {Parties:N0} parties: k = {Degree} neighbours each, threshold t = {Threshold} of {Degree + 1}; "
        + $"up to {DropoutRate:P0} dropouts and {CorruptionRate:P0} colluding parties{(Authenticated ? " (coordinator may lie: signed keys, consistency check)" : " (semi-honest coordinator)")}; "
        + $"P(privacy failure) ≤ {PrivacyFailure:E1} (target 2^-40), P(sum lost) ≤ {CorrectnessFailure:E1} (target 2^-20)");

    // P[all of `run` given positions are among `removed` of `parties`] = Π_{i<run} (removed − i)/(parties − i).
    private static double RunProbability(int parties, int removed, int run)
    {
        var p = 1.0;
        for (var i = 0; i < run; i++)
        {
            p *= Math.Max(0, removed - i) / (double)(parties - i);
        }

        return p;
    }

    /// <summary>ln n! for n ≤ N, and hypergeometric tails from them.</summary>
    private sealed class LogFactorials
    {
        private readonly double[] _values;

        public LogFactorials(int max)
        {
            _values = new double[max + 1];
            for (var n = 2; n <= max; n++)
            {
                _values[n] = _values[n - 1] + Math.Log(n);
            }
        }

        /// <summary>P[X ≥ atLeast] for X ~ H(population, successes, draws).</summary>
        public double HypergeometricTail(int population, int successes, int draws, int atLeast)
        {
            var low = Math.Max(atLeast, Math.Max(0, draws - (population - successes)));
            var high = Math.Min(draws, successes);
            var total = 0.0;
            for (var x = low; x <= high; x++)
            {
                total += Math.Exp(LogChoose(successes, x) + LogChoose(population - successes, draws - x) - LogChoose(population, draws));
            }

            return Math.Min(1, total);
        }

        private double LogChoose(int n, int k) => _values[n] - _values[k] - _values[n - k];
    }
}
