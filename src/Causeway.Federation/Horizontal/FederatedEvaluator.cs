using Causeway.Core.Metrics;
using Causeway.Core.Tensors;

using Causeway.Federation.Horizontal.Protection;

namespace Causeway.Federation.Horizontal;

/// <summary>
/// Evaluates the global model where the data lives: asks every party to score it on its held-out data, combines the
/// answers weighted by each party's example count, and tells each party that answered the combination beside its own
/// metrics (<see cref="EvaluationReport"/>).
/// </summary>
/// <remarks>
/// Loss, accuracy and MAE combine exactly as example-weighted means; RMSE as the square root of the weighted mean
/// of squares. ROC AUC and F1 do not decompose into per-party values: they come from the parties' summed score
/// histograms (<see cref="ScoreHistogram"/>), the AUC and F1 of the union of their evaluation rows (AUC to the
/// histogram's resolution), and are null when a party sent none. Parties that answer null, fail or miss the deadline
/// are skipped; with no answer at all the result is null.
/// <para>
/// With <see cref="SecureScores"/> no party sends its histogram: each keeps it, and the histograms are summed under
/// secure aggregation among the parties that evaluated (<see cref="Protection.SecureScoreSum"/>), so the coordinator
/// learns only the federation's. If that session fails (fewer than two parties, or dropouts below its threshold), the
/// round's AUC and F1 are null (<see cref="SecureScoresFailed"/> hears why). A party that drops out of the session after
/// answering counts in the loss and accuracy but not in the AUC and F1.
/// </para>
/// </remarks>
public sealed class FederatedEvaluator : IGlobalEvaluator
{
    private readonly IPartyChannel _channel;
    private readonly IPartyRoster _roster;
    private readonly TimeSpan _deadline;
    private readonly TimeProvider _time;

    /// <param name="channel">How parties are reached.</param>
    /// <param name="parties">The parties to ask every time.</param>
    /// <param name="deadline">How long to wait for answers.</param>
    /// <param name="timeProvider">The clock of the deadline; default the system clock.</param>
    public FederatedEvaluator(IPartyChannel channel, IReadOnlyList<PartyId> parties, TimeSpan deadline, TimeProvider? timeProvider = null)
        : this(channel, new FixedRoster(parties), deadline, timeProvider)
    {
    }

    /// <param name="channel">How parties are reached.</param>
    /// <param name="roster">Asks the parties eligible for the evaluated round.</param>
    /// <param name="deadline">How long to wait for answers.</param>
    /// <param name="timeProvider">The clock of the deadline; default the system clock.</param>
    public FederatedEvaluator(IPartyChannel channel, IPartyRoster roster, TimeSpan deadline, TimeProvider? timeProvider = null)
    {
        ArgumentNullException.ThrowIfNull(channel);
        ArgumentNullException.ThrowIfNull(roster);
        if (deadline <= TimeSpan.Zero)
        {
            throw new ArgumentOutOfRangeException(nameof(deadline), deadline, "The deadline must be positive.");
        }

        _channel = channel;
        _roster = roster;
        _deadline = deadline;
        _time = timeProvider ?? TimeProvider.System;
    }

    /// <summary>
    /// Sum the parties' score histograms (binary classification) under secure aggregation instead of receiving each
    /// party's. Default false.
    /// </summary>
    public bool SecureScores { get; init; }

    /// <summary>
    /// The run's secure aggregation, whose variant and authentication the histogram sum follows (a run against a
    /// coordinator that may lie sums its histograms with signed keys and the consistency check too); null for plain
    /// SecAgg. Default null.
    /// </summary>
    public SecureAggregationProtection? ScoreProtection { get; init; }

    /// <summary>The parties' client certificates, relayed when <see cref="ScoreProtection"/> is authenticated. Default none.</summary>
    public Func<PartyId, byte[]?>? PartyCertificates { get; init; }

    /// <summary>Hears why a round's secure sum of histograms failed (its AUC and F1 are then null); null to ignore it.</summary>
    public Action<RoundInfo, string>? SecureScoresFailed { get; init; }

    public async Task<GlobalEvaluation?> EvaluateAsync(ParameterSet global, RoundInfo round, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(global);
        using var deadline = new CancellationTokenSource(_deadline, _time);
        using var linked = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken, deadline.Token);
        var task = new EvaluateTask(round, global, SecureScores);
        var parties = _roster.Eligible(round).ToList();
        var answers = await Task.WhenAll(parties.Select(p => AskAsync(p, task, linked.Token))).ConfigureAwait(false);
        cancellationToken.ThrowIfCancellationRequested();
        var combined = Combine(answers);
        if (combined is null)
        {
            return null;
        }

        if (SecureScores)
        {
            var evaluated = parties.Zip(answers).Where(p => p.Second is { Examples: > 0 }).Select(p => p.First).ToList();
            var (union, problem) = await SecureScoreSum.RunAsync(
                    _channel, round, evaluated, ScoreHistogram.DefaultBins, _deadline, _time, ScoreProtection, PartyCertificates, cancellationToken)
                .ConfigureAwait(false);
            if (problem is not null)
            {
                SecureScoresFailed?.Invoke(round, problem);
            }

            combined = combined with { RocAuc = union?.RocAuc(), F1 = union?.F1(), Scores = union };
        }

        // Every party that answered learns the federation's metrics beside its own; best effort within the deadline.
        // Not the summed score histogram: with two parties, one could subtract its own and read the other's.
        var federation = combined with { Scores = null };
        var own = parties.Zip(answers).Where(p => p.Second is { Examples: > 0 }).Select(p => new PartyEvaluation(p.First, p.Second! with { Scores = null })).ToList();
        await Task.WhenAll(own.Select(p => ReportAsync(p.Party, round, new EvaluationReport(round.Round, federation, p.Evaluation), linked.Token))).ConfigureAwait(false);
        return new GlobalEvaluation(combined, own);
    }

    private async Task ReportAsync(PartyId party, RoundInfo round, EvaluationReport report, CancellationToken cancellationToken)
    {
        try
        {
            await _channel.ReportAsync(party, round, report, cancellationToken).ConfigureAwait(false);
        }
        catch (Exception e) when (e is OperationCanceledException or IOException or InvalidOperationException)
        {
            // A party that misses its report still counted in the evaluation.
        }
    }

    /// <summary>Combines per-party evaluations as described on the type; null when none is given.</summary>
    public static Evaluation? Combine(IEnumerable<Evaluation?> evaluations)
    {
        ArgumentNullException.ThrowIfNull(evaluations);
        long examples = 0;
        double loss = 0;
        var accuracy = new WeightedMean();
        var squares = new WeightedMean();
        var mae = new WeightedMean();
        var histograms = new List<ScoreHistogram>();
        var everyHistogram = true;
        foreach (var e in evaluations)
        {
            if (e is not { Examples: > 0 })
            {
                continue;
            }

            if (e.Scores is { } scores)
            {
                histograms.Add(scores);
            }
            else
            {
                everyHistogram = false;
            }

            examples += e.Examples;
            loss += e.Loss * e.Examples;
            accuracy.Add(e.Accuracy, e.Examples);
            squares.Add(e.Rmse * e.Rmse, e.Examples);
            mae.Add(e.Mae, e.Examples);
        }

        var union = everyHistogram ? ScoreHistogram.Sum(histograms) : null;
        return examples == 0
            ? null
            : new Evaluation(
                (int)Math.Min(examples, int.MaxValue),
                loss / examples,
                Accuracy: accuracy.Value,
                RocAuc: union?.RocAuc(),
                F1: union?.F1(),
                Rmse: squares.Value is { } s ? Math.Sqrt(s) : null,
                Mae: mae.Value,
                Scores: union);
    }

    private async Task<Evaluation?> AskAsync(PartyId party, EvaluateTask task, CancellationToken cancellationToken)
    {
        try
        {
            return await _channel.EvaluateAsync(party, task, cancellationToken).WaitAsync(cancellationToken).ConfigureAwait(false);
        }
        catch (Exception)
        {
            // A party that cannot evaluate is left out of the mean, as the type's contract says.
            return null;
        }
    }

    private struct WeightedMean
    {
        private double _sum;
        private double _weight;

        public readonly double? Value => _weight > 0 ? _sum / _weight : null;

        public void Add(double? value, double weight)
        {
            if (value is { } v && double.IsFinite(v))
            {
                _sum += v * weight;
                _weight += weight;
            }
        }
    }
}
