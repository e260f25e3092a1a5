using Causeway.Privacy.SecureAggregation;

namespace Causeway.Privacy.Tests.SecureAggregation;

/// <summary>SecAgg+ (Bell et al. 2020): the Harary graph, the parameter choice, and exact sums under dropouts at every phase.</summary>
public sealed class SecAggPlusTests
{
    [Fact]
    public void Harary_EveryPartyHasDegreeNeighbours_Symmetric_FixedBySession()
    {
        var graph = MaskingGraph.For("run-1/round-3", 101, 10);
        var again = MaskingGraph.For("run-1/round-3", 101, 10);
        var other = MaskingGraph.For("run-1/round-4", 101, 10);

        for (var u = 0; u < 101; u++)
        {
            var neighbours = graph.Neighbours(u);
            Assert.Equal(10, neighbours.Length);
            Assert.DoesNotContain(u, neighbours);
            Assert.Equal(neighbours, again.Neighbours(u));
            Assert.Equal([.. neighbours.Append(u).Order()], graph.Neighbourhood(u));
            Assert.All(neighbours, v => Assert.True(graph.AreNeighbours(v, u)));
            Assert.Equal(10, Enumerable.Range(0, 101).Count(v => graph.AreNeighbours(u, v)));
        }

        // Another session label gives another ring order.
        Assert.Contains(Enumerable.Range(0, 101), u => !graph.Neighbours(u).SequenceEqual(other.Neighbours(u)));
        // The order is a permutation, not the index order: party 0's neighbours are not 1..5 and 96..100.
        Assert.NotEqual([1, 2, 3, 4, 5, 96, 97, 98, 99, 100], graph.Neighbours(0));
    }

    [Fact]
    public void Harary_DegreeAtLeastNMinusOne_IsTheCompleteGraph()
    {
        var graph = MaskingGraph.For("s", 8, 7);

        Assert.True(graph.IsComplete);
        Assert.Equal([0, 1, 2, 4, 5, 6, 7], graph.Neighbours(3));
        Assert.Throws<ArgumentOutOfRangeException>(() => MaskingGraph.For("s", 20, 5));
    }

    [Theory]
    [InlineData(100, 0.1, 0.05, false)]
    [InlineData(1_000, 0.1, 0.05, false)]
    [InlineData(1_000, 0.3, 0.05, false)]
    [InlineData(1_000, 0.1, 0.05, true)]
    [InlineData(10_000, 0.1, 0.1, true)]
    public void Choose_SecAggPlus_MeetsBothTargets_WithFarFewerPeersThanN(int parties, double dropouts, double corruption, bool authenticated)
    {
        var (chosen, error) = SecureAggregationParameters.Choose(SecureAggregationVariant.SecAggPlus, parties, dropouts, corruption, authenticated);

        Assert.Null(error);
        Assert.NotNull(chosen);
        Assert.InRange(chosen.PrivacyFailure, 0, SecureAggregationParameters.SecurityTarget);
        Assert.InRange(chosen.CorrectnessFailure, 0, SecureAggregationParameters.CorrectnessTarget);
        Assert.True(chosen.Threshold <= chosen.Degree + 1);
        if (authenticated)
        {
            Assert.True(2 * chosen.Threshold > chosen.Degree + 1);
        }

        if (authenticated)
        {
            // A coordinator that may lie places the parties and declares the dropouts: only the complete graph is safe.
            Assert.Equal(parties - 1, chosen.Degree);
            Assert.Null(chosen.OptionsDegree);
        }
        else if (parties >= 1_000)
        {
            Assert.True(chosen.Degree * 5 < parties, $"k = {chosen.Degree} for N = {parties}");
        }

        Assert.Contains($"k = {chosen.Degree}", chosen.Describe(), StringComparison.Ordinal);
        Assert.Empty(new SecureAggregationOptions("s", parties, chosen.Threshold, 8, FixedPointQuantization.Default, chosen.OptionsDegree, authenticated).Validate());
    }

    [Fact]
    public void Choose_GrowsTheGraph_AsTheThreatGrows()
    {
        int Degree(double dropouts, double corruption) =>
            SecureAggregationParameters.Choose(SecureAggregationVariant.SecAggPlus, 1_000, dropouts, corruption, authenticated: false).Parameters!.Degree;

        Assert.True(Degree(0.1, 0.05) < Degree(0.3, 0.05));
        Assert.True(Degree(0.1, 0.05) < Degree(0.1, 0.2));
    }

    [Fact]
    public void Choose_ImpossibleThreat_ExplainsWhy()
    {
        var (chosen, error) = SecureAggregationParameters.Choose(SecureAggregationVariant.SecAggPlus, 200, 0.5, 0.45, authenticated: true);

        Assert.Null(chosen);
        Assert.Contains("no threshold keeps 200 parties", error, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(0.1, DropPhase.BeforeAdvertise)]
    [InlineData(0.1, DropPhase.BeforeShares)]
    [InlineData(0.1, DropPhase.BeforeInput)]
    [InlineData(0.1, DropPhase.BeforeUnmask)]
    [InlineData(0.3, DropPhase.BeforeAdvertise)]
    [InlineData(0.3, DropPhase.BeforeShares)]
    [InlineData(0.3, DropPhase.BeforeInput)]
    [InlineData(0.3, DropPhase.BeforeUnmask)]
    public void Finish_SecAggPlus_DropoutsAtOnePhase_ExactSumOfIncludedInputs(double rate, DropPhase phase)
    {
        const int parties = 120;
        var drops = Enumerable.Range(0, (int)(rate * parties)).ToDictionary(i => (i * 7) % parties, _ => phase);

        var (result, inputs, harness) = RunChosen(parties, rate, drops, authenticated: false);
        using (harness)
        {
            AssertExact(result, inputs, drops);
        }
    }

    [Theory]
    [InlineData(0.1, false)]
    [InlineData(0.3, false)]
    [InlineData(0.1, true)]
    [InlineData(0.3, true)]
    public void Finish_SecAggPlus_DropoutsSpreadOverEveryPhase_ExactSumOfIncludedInputs(double rate, bool authenticated)
    {
        const int parties = 120;
        var phases = authenticated ? Enum.GetValues<DropPhase>() : [.. Enum.GetValues<DropPhase>().Where(p => p != DropPhase.BeforeConsistency)];
        var drops = Enumerable.Range(0, (int)(rate * parties)).ToDictionary(i => (i * 11) % parties, i => phases[i % phases.Length]);

        var (result, inputs, harness) = RunChosen(parties, rate, drops, authenticated);
        using (harness)
        {
            AssertExact(result, inputs, drops);
            // Each party's traffic is O(k): shares to its k neighbours, not to N − 1 parties (authenticated: the complete graph).
            Assert.All(harness.ServerInbox.OfType<ShareBundle>(), b => Assert.True(b.Shares.Count <= harness.Graph.Degree));
            Assert.Equal(authenticated, harness.Graph.IsComplete);
        }
    }

    [Fact]
    public void UnmaskingRequest_OnTheCompleteGraph_SendsTheSurvivorListOnce()
    {
        var graph = MaskingGraph.Complete(4);
        int[] survivors = [0, 1, 3];
        var signatures = survivors.Select(p => new SurvivorSignature(p, survivors, new byte[64])).ToList();
        var request = new UnmaskingRequest(survivors, signatures);

        var trimmed = request.For(graph, 1);

        Assert.Equal(survivors, trimmed.Survivors);
        Assert.All(trimmed.Signatures!, s => Assert.Empty(s.View));
        Assert.Equal(request.EncodedLength - (3 * 4 * 3), trimmed.EncodedLength);
    }

    private static (SecureAggregationResult Result, uint[][] Inputs, SecureAggregationHarness Harness) RunChosen(
        int parties, double rate, Dictionary<int, DropPhase> drops, bool authenticated)
    {
        var chosen = SecureAggregationParameters.Choose(SecureAggregationVariant.SecAggPlus, parties, rate, 0.02, authenticated).Parameters!;
        var options = SecureAggregationHarness.CreateOptions(parties, chosen.Threshold, 32, chosen.OptionsDegree, authenticated);
        var harness = new SecureAggregationHarness(options);
        var inputs = SecureAggregationHarness.RandomInputs(parties, 32, seed: (int)(rate * 100) + drops.Count);
        return (harness.Run(inputs, drops), inputs, harness);
    }

    private static void AssertExact(SecureAggregationResult result, uint[][] inputs, Dictionary<int, DropPhase> drops)
    {
        Assert.True(result.Succeeded, result.Error);
        // Inputs are in the sum exactly when the party sent its masked input.
        var included = Enumerable.Range(0, inputs.Length).Where(i => !drops.TryGetValue(i, out var phase) || phase > DropPhase.BeforeInput).ToArray();
        Assert.Equal(included, result.Included);
        Assert.Equal(SecureAggregationHarness.RingSum(included.Select(i => inputs[i]), 32), result.Sum);
    }
}
