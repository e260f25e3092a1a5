using System.Diagnostics;
using System.Numerics;
using System.Runtime.InteropServices;
using Causeway.Core.Tensors;
using Causeway.Federation;
using Causeway.Federation.Horizontal;

namespace Causeway.Cli.Bench;

/// <summary>
/// Aggregation throughput: GB/s of party updates folded into the FedAvg accumulator, against a plain
/// summing loop over the same buffers measured back to back in the same run (the memory-bandwidth limit
/// this machine gives one pass of "acc += update").
/// </summary>
/// <remarks>
/// Both paths run in the steady state of a run: each repetition is one round, and like the round engine the
/// aggregation writes every round into one destination allocated once, as the baseline sums into one accumulator.
/// </remarks>
internal static class AggregationBench
{
    public sealed record Result(int Updates, int Parameters, int Repetitions, double Gbps, double BaselineGbps)
    {
        public double Ratio => Gbps / BaselineGbps;
    }

    public static Result Run(int updates, int parameters, int repetitions, IProgress<int>? progress = null)
    {
        var layout = new ParameterLayout([new TensorSpec("w", [parameters])]);
        var deltas = new PartyUpdate[updates];
        var random = new Random(7);
        for (var k = 0; k < updates; k++)
        {
            var values = new float[parameters];
            for (var i = 0; i < values.Length; i++)
            {
                values[i] = (float)(random.NextDouble() - 0.5);
            }

            deltas[k] = new PartyUpdate(new PartyId($"p{k}"), new ParameterSet(layout, values), 100 + k, 0);
        }

        var accumulator = new float[parameters];
        var aggregator = new WeightedMeanAggregator();
        var destination = new ParameterSet(layout);
        var round = new RoundInfo("bench", 1, 1);
        var bytes = (double)updates * parameters * sizeof(float);

        // Warm both paths (JIT tiering, page faults on the accumulators) before timing.
        PlainSum(deltas, accumulator);
        Aggregate(aggregator, destination, round, deltas);

        var plain = new List<double>();
        var aggregated = new List<double>();
        for (var r = 0; r < repetitions; r++)
        {
            plain.Add(Time(() => PlainSum(deltas, accumulator)));
            aggregated.Add(Time(() => Aggregate(aggregator, destination, round, deltas)));
            progress?.Report(r + 1);
        }

        return new Result(updates, parameters, repetitions, bytes / Quantiles.Median(aggregated) / 1e9, bytes / Quantiles.Median(plain) / 1e9);
    }

    /// <summary>The baseline: acc[i] += update[i] for every update, one vectorised pass each.</summary>
    private static void PlainSum(PartyUpdate[] deltas, float[] accumulator)
    {
        Array.Clear(accumulator);
        var acc = MemoryMarshal.Cast<float, Vector<float>>(accumulator.AsSpan());
        foreach (var delta in deltas)
        {
            var values = MemoryMarshal.Cast<float, Vector<float>>(delta.Delta.Values);
            for (var i = 0; i < acc.Length; i++)
            {
                acc[i] += values[i];
            }
        }
    }

    /// <summary>One round as the round engine runs it: Begin into the run's buffer, Accept every update, Complete.</summary>
    private static void Aggregate(WeightedMeanAggregator aggregator, ParameterSet destination, RoundInfo round, PartyUpdate[] deltas)
    {
        var aggregation = aggregator.Begin(destination, round);
        foreach (var delta in deltas)
        {
            aggregation.Accept(delta);
        }

        GC.KeepAlive(aggregation.Complete());
    }

    private static double Time(Action action)
    {
        var start = Stopwatch.GetTimestamp();
        action();
        return Stopwatch.GetElapsedTime(start).TotalSeconds;
    }
}
