using System.Globalization;
using System.Text;
using System.Text.Json.Nodes;
using Causeway.Federation.Horizontal.DifferentialPrivacy;
using Causeway.Federation.Horizontal.Protection;
using Causeway.Federation.Recommendation;
using Causeway.Federation.Recommendation.Data;
using Causeway.Federation.Recommendation.Metrics;
using Causeway.Federation.Recommendation.Simulation;
using Causeway.Privacy.Accounting;
using Causeway.Privacy.SecureAggregation;
using Spectre.Console;

namespace Causeway.Cli.Bench;

/// <summary>
/// The privacy half of <c>bench recsys</c>: each federated MF mode again under secure aggregation or Paillier (same
/// settings, so RMSE and cost compare with the plain run of the same mode, measured in the same bench), and the
/// user-level DP sweep (gradient mode, DP-FedSGD on the item gradients: RMSE and NDCG against ε).
/// </summary>
internal static partial class RecsysBench
{
    /// <summary>What the privacy runs measure. Defaults are stated per property.</summary>
    public sealed record PrivacySettings
    {
        /// <summary>Protections to run every MF mode under again: <c>secagg</c>, <c>secagg+</c>, <c>secagg+auth</c>, <c>paillier</c>. Default none.</summary>
        public IReadOnlyList<string> Protections { get; init; } = [];

        /// <summary>
        /// Secure aggregation's per-value clip bound C; null for 1 (the means: deltas and counts are at most 1) or, for
        /// the gradient sum, 8 per user and 256 per silo (a silo's gradient sums its users'). Default null.
        /// </summary>
        public double? SecAggClip { get; init; }

        /// <summary>Paillier modulus bits. Default 2048.</summary>
        public int PaillierKeyBits { get; init; } = 2048;

        /// <summary>Target ε values of the user-level DP sweep (+∞: clipping without noise). Default none (no sweep).</summary>
        public IReadOnlyList<double> DpEpsilons { get; init; } = [];

        /// <summary>S, the L2 clip norm of a user's (party's) dense item gradient. Default 1.</summary>
        public double DpClip { get; init; } = 1;

        /// <summary>δ of the DP guarantee. Default 1e-5.</summary>
        public double DpDelta { get; init; } = 1e-5;

        /// <summary>
        /// The server learning rate of the DP runs, which step with the uniform mean of clipped gradients (a sum divided
        /// by m); null for 0.005 × m (<see cref="DpServerLearningRate"/>). Default null.
        /// </summary>
        public float? DpServerLearningRate { get; init; }
    }

    /// <summary>
    /// The DP runs' server step: the plain gradient sum's η = 0.005 applied to the sum of clipped gradients, which the
    /// DP round divides by m, so η·m — unless given.
    /// </summary>
    public static float DpServerLearningRate(Settings settings, int selected) =>
        settings.Privacy.DpServerLearningRate ?? 0.005f * selected;

    /// <summary>One user-level DP point of the sweep.</summary>
    /// <param name="TargetEpsilon">The ε asked for (+∞: no noise).</param>
    /// <param name="NoiseMultiplier">σ calibrated so that the run's rounds at q spend at most the target.</param>
    /// <param name="SamplingRate">q = m/N, parties (users) selected per round over all.</param>
    public sealed record DpPoint(double TargetEpsilon, double NoiseMultiplier, double SamplingRate);

    /// <summary>The smallest σ (to 0.1 %) whose <paramref name="rounds"/> sampled Gaussian steps at q spend at most ε at δ (classic conversion).</summary>
    public static double CalibrateNoise(double epsilon, double samplingRate, int rounds, double delta)
    {
        if (double.IsPositiveInfinity(epsilon))
        {
            return 0;
        }

        double Spent(double sigma)
        {
            var accountant = new RdpAccountant(delta);
            accountant.Add(new SampledGaussianRound(sigma, samplingRate, rounds));
            return accountant.Spent.Epsilon;
        }

        double low = 0.05, high = 0.05;
        while (Spent(high) > epsilon)
        {
            low = high;
            high *= 2;
            if (high > 1e6)
            {
                throw new ArgumentException($"no noise multiplier up to 1e6 reaches ε = {epsilon}.");
            }
        }

        while (high - low > high * 1e-3)
        {
            var middle = (low + high) / 2;
            if (Spent(middle) > epsilon)
            {
                low = middle;
            }
            else
            {
                high = middle;
            }
        }

        return high;
    }

    /// <summary>The protected runs of every MF mode, then the DP sweep.</summary>
    private static async Task AddPrivacyRunsAsync(
        List<Run> runs, RecommenderSpec mf, RatingsSplit split, IReadOnlyList<PartyUsers> partition, Settings settings, RankingOptions ranking, ProgressContext progress, CancellationToken cancellationToken)
    {
        var privacy = settings.Privacy;
        var selected = (int)Math.Ceiling((settings.Fraction * partition.Count) - 1e-9);
        foreach (var name in privacy.Protections)
        {
            foreach (var mode in settings.Modes)
            {
                // A Paillier party encrypts for minutes at k = 32 on a loaded machine: the round waits for every party
                // (a straggler would change the per-item means, and the comparison with the plain run with it).
                var options = FederatedMf(mf, mode, settings) with
                {
                    Protection = Protection(name, mode, split, partition, selected, settings),
                    Deadline = TimeSpan.FromHours(6),
                };
                var run = await FederatedAsync($"MF federated, {Mode(mode)}, {name}", options, split, partition, settings, ranking, progress, cancellationToken).ConfigureAwait(false);
                runs.Add(run with { Protection = name });
            }
        }

        foreach (var epsilon in privacy.DpEpsilons)
        {
            var baseline = FederatedMf(mf, ItemAggregation.GradientSum, settings);
            var q = (double)selected / partition.Count;
            var sigma = CalibrateNoise(epsilon, q, baseline.Rounds, privacy.DpDelta);
            var options = baseline with
            {
                ServerLearningRate = DpServerLearningRate(settings, selected),
                Privacy = new PrivacyOptions { Client = new ClientPrivacyOptions { NoiseMultiplier = sigma, ClipNorm = privacy.DpClip }, Delta = privacy.DpDelta },
            };
            var label = string.Create(Invariant, $"MF federated, gradient, user-level DP ε={(double.IsPositiveInfinity(epsilon) ? "∞" : epsilon.ToString("G4", Invariant))}");
            var run = await FederatedAsync(label, options, split, partition, settings, ranking, progress, cancellationToken).ConfigureAwait(false);
            runs.Add(run with { Dp = new DpPoint(epsilon, sigma, q) });
        }
    }

    private static IUpdateProtection Protection(string name, ItemAggregation mode, RatingsSplit split, IReadOnlyList<PartyUsers> partition, int selected, Settings settings)
    {
        // The weighted mean weighs a party by min(n_k, W)/W: W the largest party's training ratings makes it exact.
        double? cap = mode == ItemAggregation.WeightedMean ? PartyRatings.Build(split, partition).Max(p => p.TrainCount) : null;
        if (name == "paillier")
        {
            return new PaillierProtection(partition[0].Party, settings.Privacy.PaillierKeyBits, cap);
        }

        var clip = settings.Privacy.SecAggClip ?? (mode != ItemAggregation.GradientSum ? 1 : settings.Silos is null ? 8 : 256);

        // The finest scale (a power of 2, at most 2^24) at which the selected parties' sum cannot wrap half the ring.
        var scale = Math.Min(1 << 24, Math.Pow(2, Math.Floor(Math.Log2(FixedPointQuantization.HalfRing / (selected * Math.Ceiling(clip)))) - 1));
        // SecAgg+ at the stated defaults (10 % dropouts, 5 % colluders); "+auth" adds signed keys and the consistency check.
        return new SecureAggregationProtection(null, new FixedPointQuantization(scale, clip), cap)
        {
            Variant = name.StartsWith("secagg+", StringComparison.Ordinal) ? SecureAggregationVariant.SecAggPlus : SecureAggregationVariant.SecAgg,
            Authenticated = name == "secagg+auth",
        };
    }

    /// <summary>Each protected run against the plain run of the same mode in the same bench: RMSE difference and cost ratios.</summary>
    public static IEnumerable<JsonObject> ProtectionComparisons(Result result)
    {
        ArgumentNullException.ThrowIfNull(result);
        foreach (var run in result.Runs.Where(r => r.Protection is not null))
        {
            var plain = result.Runs.FirstOrDefault(r => r.Protection is null && r.Dp is null && r.Federated is { } f && f.Aggregation == run.Federated!.Aggregation && r.Kind == RecommenderKind.MatrixFactorization);
            if (plain is null)
            {
                continue;
            }

            yield return new JsonObject
            {
                ["label"] = run.Label,
                ["protection"] = run.Protection,
                ["every_party_every_round"] = run.Rounds.All(r => r.Succeeded && r.Participants == r.Selected)
                    && plain.Rounds.All(r => r.Succeeded && r.Participants == r.Selected),
                ["aggregation"] = Mode(run.Federated!.Aggregation),
                ["rmse"] = Finite(run.Scores.Ratings.Rmse),
                ["plain_rmse"] = Finite(plain.Scores.Ratings.Rmse),
                ["rmse_difference"] = Finite(run.Scores.Ratings.Rmse - plain.Scores.Ratings.Rmse),
                ["party_cpu_ms_per_party_round"] = run.PartyCpuMsPerPartyRound,
                ["plain_party_cpu_ms_per_party_round"] = plain.PartyCpuMsPerPartyRound,
                ["party_cpu_ratio"] = run.PartyCpuMsPerPartyRound / plain.PartyCpuMsPerPartyRound,
                ["coordinator_cpu_ms_per_round"] = run.CoordinatorCpuMsPerRound,
                ["plain_coordinator_cpu_ms_per_round"] = plain.CoordinatorCpuMsPerRound,
                ["coordinator_cpu_ratio"] = run.CoordinatorCpuMsPerRound / plain.CoordinatorCpuMsPerRound,
                ["bytes_per_party_round"] = run.BytesPerSelectedPartyRound,
                ["plain_bytes_per_party_round"] = plain.BytesPerSelectedPartyRound,
                ["bytes_ratio"] = run.BytesPerSelectedPartyRound / plain.BytesPerSelectedPartyRound,
                ["seconds_per_round"] = run.TrainSeconds / Math.Max(1, run.Rounds.Count),
                ["plain_seconds_per_round"] = plain.TrainSeconds / Math.Max(1, plain.Rounds.Count),
            };
        }
    }

    /// <summary>The DP sweep's points, in the order run.</summary>
    public static IEnumerable<JsonObject> DpSweep(Result result)
    {
        ArgumentNullException.ThrowIfNull(result);
        foreach (var run in result.Runs.Where(r => r.Dp is not null))
        {
            var dp = run.Dp!;
            var spent = run.Rounds.LastOrDefault()?.Privacy;
            yield return new JsonObject
            {
                ["target_epsilon"] = double.IsPositiveInfinity(dp.TargetEpsilon) ? null : dp.TargetEpsilon,
                ["epsilon"] = spent?.ClientEpsilon is { } e && double.IsFinite(e) ? e : null,
                ["delta"] = spent?.Delta,
                ["noise_multiplier"] = dp.NoiseMultiplier,
                ["clip_norm"] = spent?.ClipNorm,
                ["sampling_rate"] = dp.SamplingRate,
                ["rounds"] = run.Rounds.Count,
                ["server_learning_rate"] = run.Federated?.ServerLearningRate,
                ["rmse"] = Finite(run.Scores.Ratings.Rmse),
                ["mae"] = Finite(run.Scores.Ratings.Mae),
                ["hr_at_10"] = Finite(run.Scores.Sampled.HitRate),
                ["ndcg_at_10"] = Finite(run.Scores.Sampled.Ndcg),
            };
        }
    }

    /// <summary>RMSE and NDCG@10 against ε as an SVG line chart (ε on a log axis; ∞ drawn at the right edge); null without a sweep.</summary>
    public static string? DpSvg(Result result)
    {
        ArgumentNullException.ThrowIfNull(result);
        var points = result.Runs.Where(r => r.Dp is not null && !r.Diverged).Select(r => (Epsilon: r.Dp!.TargetEpsilon, r.Scores.Ratings.Rmse, r.Scores.Sampled.Ndcg)).ToList();
        if (points.Count == 0)
        {
            return null;
        }

        var finite = points.Where(p => double.IsFinite(p.Epsilon)).Select(p => Math.Log2(p.Epsilon)).DefaultIfEmpty(0).ToList();
        var (xMin, xMax) = (finite.Min(), finite.Max() + 1);
        const int Width = 640, Height = 300, Left = 60, Right = 60, Top = 30, Bottom = 40;
        double X(double epsilon) => Left + ((double.IsFinite(epsilon) ? Math.Log2(epsilon) : xMax) - xMin) / Math.Max(1e-9, xMax - xMin) * (Width - Left - Right);
        string Series(Func<(double Epsilon, double Rmse, double Ndcg), double> value, string colour, string name, int axisX)
        {
            var values = points.Select(value).ToList();
            var (lo, hi) = (values.Min(), values.Max());
            if (hi - lo < 1e-9)
            {
                (lo, hi) = (lo - 0.01, hi + 0.01);
            }

            double Y(double v) => Top + (hi - v) / (hi - lo) * (Height - Top - Bottom);
            var line = string.Join(" ", points.Select((p, i) => string.Create(Invariant, $"{X(p.Epsilon):F1},{Y(values[i]):F1}")));
            var labels = string.Concat(points.Select((p, i) => string.Create(Invariant, $"<circle cx=\"{X(p.Epsilon):F1}\" cy=\"{Y(values[i]):F1}\" r=\"3\" fill=\"{colour}\"/>")));
            var axis = string.Create(
                Invariant,
                $"<text x=\"{axisX}\" y=\"{Top - 8}\" fill=\"{colour}\" font-size=\"12\" text-anchor=\"middle\">{name}</text>"
                + $"<text x=\"{axisX}\" y=\"{Top + 12}\" fill=\"{colour}\" font-size=\"11\" text-anchor=\"middle\">{hi:F3}</text>"
                + $"<text x=\"{axisX}\" y=\"{Height - Bottom}\" fill=\"{colour}\" font-size=\"11\" text-anchor=\"middle\">{lo:F3}</text>");
            return $"<polyline fill=\"none\" stroke=\"{colour}\" stroke-width=\"2\" points=\"{line}\"/>{labels}{axis}";
        }

        var svg = new StringBuilder();
        svg.Append(Invariant, $"<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"{Width}\" height=\"{Height}\" font-family=\"sans-serif\">");
        svg.Append(Invariant, $"<rect width=\"{Width}\" height=\"{Height}\" fill=\"white\"/>");
        svg.Append(Invariant, $"<line x1=\"{Left}\" y1=\"{Height - Bottom}\" x2=\"{Width - Right}\" y2=\"{Height - Bottom}\" stroke=\"black\"/>");
        foreach (var (epsilon, _, _) in points)
        {
            var label = double.IsFinite(epsilon) ? epsilon.ToString("G4", Invariant) : "∞";
            svg.Append(Invariant, $"<text x=\"{X(epsilon):F1}\" y=\"{Height - Bottom + 16}\" font-size=\"11\" text-anchor=\"middle\">{label}</text>");
        }

        svg.Append(Invariant, $"<text x=\"{Width / 2}\" y=\"{Height - 6}\" font-size=\"12\" text-anchor=\"middle\">user-level ε (δ = {result.Settings.Privacy.DpDelta:G2}), log scale</text>");
        svg.Append(Series(p => p.Rmse, "#c0392b", "RMSE", Left / 2));
        svg.Append(Series(p => p.Ndcg, "#2471a3", "NDCG@10", Width - (Right / 2)));
        svg.Append("</svg>\n");
        return svg.ToString();
    }
}
