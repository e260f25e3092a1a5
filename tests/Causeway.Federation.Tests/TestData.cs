using Causeway.Core.Tensors;
using Causeway.Federation.Horizontal;

namespace Causeway.Federation.Tests;

internal static class TestData
{
    public static ParameterLayout Layout(int weights = 6, int biases = 2) =>
        new([new TensorSpec("layer0.weight", [biases, weights / biases]), new TensorSpec("layer0.bias", [biases])]);

    public static ParameterSet Set(ParameterLayout layout, params float[] values) => new(layout, values);

    public static ParameterSet Random(ParameterLayout layout, int seed, float scale = 1f)
    {
        var random = new Random(seed);
        var set = new ParameterSet(layout);
        foreach (ref var value in set.Values)
        {
            value = (float)((random.NextDouble() * 2) - 1) * scale;
        }

        return set;
    }

    public static PartyId Party(int i) => new($"party-{i:D3}");

    public static IReadOnlyList<PartyId> Parties(int count) => [.. Enumerable.Range(0, count).Select(Party)];

    public static RoundInfo Round(int round = 1) => new("test", round, 10);

    public static PartyUpdate Update(int party, ParameterSet delta, int examples = 10, double loss = 0.5) =>
        new(Party(party), delta, examples, loss);

    public static Strategy FedAvg(double fraction = 1.0, int minParties = 1) =>
        Strategy.Create(new StrategyOptions { Fraction = fraction, MinParties = minParties });
}
