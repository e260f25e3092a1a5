using System.Collections.Concurrent;
using Causeway.Core.Metrics;
using Causeway.Core.Tensors;
using Causeway.Federation.Horizontal;
using Causeway.Federation.Horizontal.Protection;

namespace Causeway.Federation.Tests.Horizontal;

/// <summary>
/// Evaluation histograms summed under secure aggregation: the coordinator gets the federation's AUC and F1, exactly as
/// from the histograms in the clear, while no party's histogram crosses the channel.
/// </summary>
public sealed class SecureScoreSumTests
{
    [Fact]
    public async Task EvaluateAsync_SecureScores_GivesTheUnionsHistogram_WhileNoPartysHistogramCrosses()
    {
        using var parties = new ScoringParties(4);
        var plain = await new FederatedEvaluator(parties, parties.Ids, TimeSpan.FromSeconds(30))
            .EvaluateAsync(new ParameterSet(TestData.Layout()), TestData.Round(), CancellationToken.None);
        parties.Crossed.Clear();

        var secure = await new FederatedEvaluator(parties, parties.Ids, TimeSpan.FromSeconds(30)) { SecureScores = true }
            .EvaluateAsync(new ParameterSet(TestData.Layout()), TestData.Round(), CancellationToken.None);

        // The same figures: the summed histogram is exact, so AUC and F1 equal the clear sum's.
        Assert.Equal(parties.Union(), plain!.Combined.Scores);
        Assert.Equal(plain.Combined.Scores, secure!.Combined.Scores);
        Assert.Equal(plain.Combined.RocAuc, secure.Combined.RocAuc);
        Assert.Equal(plain.Combined.F1, secure.Combined.F1);
        Assert.Equal(plain.Combined.Accuracy, secure.Combined.Accuracy);

        // What crossed: evaluations without histograms, then the four steps of one secure-aggregation session; each
        // party's masked vector is not its histogram.
        var evaluations = parties.Crossed.OfType<Evaluation>().ToList();
        Assert.Equal(4, evaluations.Count);
        Assert.All(evaluations, e => Assert.Null(e.Scores));
        var masked = parties.Crossed.OfType<SecureAggregationMasked>().ToList();
        Assert.Equal(4, masked.Count);
        foreach (var vector in masked)
        {
            // A histogram's counts are below 100 here; a masked vector is uniform on Z_2^32, so almost never that small.
            Assert.True(vector.Input.Values.Count(v => v < 100) <= vector.Input.Values.Length / 100, "a masked vector looks like counts");
        }

        Assert.Equal(
            ["secagg-advertise", "secagg-share-keys", "masked scores request", "secagg-unmask"],
            parties.Steps.Where(s => s is not EvaluationReport).Select(s => s.Name).Distinct());

        // Each party's report after the round carries the federation's AUC, not its histogram.
        var reports = parties.Steps.OfType<EvaluationReport>().ToList();
        Assert.Equal(4, reports.Count);
        Assert.All(reports, r => Assert.Equal((secure.Combined.RocAuc, (ScoreHistogram?)null), (r.Federation.RocAuc, r.Federation.Scores)));
    }

    [Fact]
    public async Task EvaluateAsync_SecureScores_APartyDroppingBeforeItMasks_LeavesTheOthersSum()
    {
        using var parties = new ScoringParties(4) { DropAtMasking = 2 };

        var secure = await new FederatedEvaluator(parties, parties.Ids, TimeSpan.FromSeconds(30)) { SecureScores = true }
            .EvaluateAsync(new ParameterSet(TestData.Layout()), TestData.Round(), CancellationToken.None);

        // Three of four remain, above the threshold of three: the sum is theirs, exactly.
        Assert.Equal(parties.Union(except: 2), secure!.Combined.Scores);
        Assert.Equal(parties.Union(except: 2).RocAuc(), secure.Combined.RocAuc);
    }

    [Fact]
    public async Task EvaluateAsync_SecureScores_WithOnePartyEvaluating_HasNoAuc_AndSaysWhy()
    {
        using var parties = new ScoringParties(1);
        var problems = new List<string>();

        var secure = await new FederatedEvaluator(parties, parties.Ids, TimeSpan.FromSeconds(30)) { SecureScores = true, SecureScoresFailed = (_, why) => problems.Add(why) }
            .EvaluateAsync(new ParameterSet(TestData.Layout()), TestData.Round(), CancellationToken.None);

        // Alone, its "sum" would be its own histogram: nothing is summed, and its histogram never crossed.
        Assert.Null(secure!.Combined.RocAuc);
        Assert.Null(secure.Combined.Scores);
        Assert.NotNull(secure.Combined.Accuracy);
        Assert.Equal(["1 party evaluated; a secure sum needs at least 2"], problems);
        Assert.All(parties.Crossed.OfType<Evaluation>(), e => Assert.Null(e.Scores));
        Assert.DoesNotContain(parties.Steps, s => s is not EvaluationReport);
    }

    [Fact]
    public void MaskedScores_WithNoHistogramHeldForTheRound_FailsSayingWhy()
    {
        using var protection = new PartyProtection(new PartyId("party-000"));
        var request = new MaskedScoresRequest(new Privacy.SecureAggregation.ShareDelivery(0, []), ScoreHistogram.DefaultBins, 1000);

        var reply = protection.Handle(new ProtocolStep(TestData.Round(), request));

        Assert.Null(reply.Reply);
        Assert.Contains("no score histogram held", reply.Failure, StringComparison.Ordinal);
    }

    // Parties with their own scored rows and their own PartyProtection, reached in process; records what crosses.
    private sealed class ScoringParties : IPartyChannel, IDisposable
    {
        private readonly Dictionary<PartyId, (PartyProtection Protection, Evaluation Evaluation)> _parties = [];

        public ScoringParties(int count)
        {
            var random = new Random(5);
            foreach (var party in TestData.Parties(count))
            {
                var rows = 50 + random.Next(50);
                var labels = Enumerable.Range(0, rows).Select(_ => random.NextDouble() < 0.4 ? 1f : 0f).ToArray();
                var scores = labels.Select(l => (float)Math.Clamp((0.3 * l) + (0.7 * random.NextDouble()), 0, 1)).ToArray();
                var evaluation = new Evaluation(
                    rows, 0.5, Accuracy: ClassificationMetrics.Accuracy(scores, labels), RocAuc: ClassificationMetrics.RocAuc(scores, labels),
                    F1: ClassificationMetrics.F1(scores, labels), Scores: ScoreHistogram.Of(scores, labels));
                _parties[party] = (new PartyProtection(party), evaluation);
            }
        }

        public IReadOnlyList<PartyId> Ids => [.. _parties.Keys];

        /// <summary>The index of a party that fails the masking step, or -1.</summary>
        public int DropAtMasking { get; init; } = -1;

        public ConcurrentQueue<object> Crossed { get; } = new();

        public IEnumerable<ProtocolMessage> Steps => Crossed.OfType<ProtocolStep>().Select(s => s.Request);

        public ScoreHistogram Histogram(int index) => _parties[Ids[index]].Evaluation.Scores!;

        public ScoreHistogram Union(int except = -1) =>
            ScoreHistogram.Sum([.. Ids.Select((_, i) => i).Where(i => i != except).Select(Histogram)])!;

        public Task<PartyReply> TrainAsync(PartyId party, TrainTask task, CancellationToken cancellationToken) => throw new NotSupportedException();

        public Task<Evaluation?> EvaluateAsync(PartyId party, EvaluateTask task, CancellationToken cancellationToken)
        {
            var (protection, evaluation) = _parties[party];
            var sent = task.SecureScores ? protection.HoldScores(task.Round, evaluation) : evaluation;
            Crossed.Enqueue(sent!);
            return Task.FromResult(sent);
        }

        public Task<ProtocolStepReply> ExchangeAsync(PartyId party, ProtocolStep step, CancellationToken cancellationToken)
        {
            Crossed.Enqueue(step);
            if (step.Request is MaskedScoresRequest && Ids.ToList().IndexOf(party) == DropAtMasking)
            {
                return Task.FromException<ProtocolStepReply>(new IOException("the party went away"));
            }

            var reply = _parties[party].Protection.Handle(step);
            if (reply.Reply is { } message)
            {
                Crossed.Enqueue(message);
            }

            return Task.FromResult(reply);
        }

        public void Dispose()
        {
            foreach (var (protection, _) in _parties.Values)
            {
                protection.Dispose();
            }
        }
    }
}
