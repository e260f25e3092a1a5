using System.Numerics;
using System.Runtime.InteropServices;
using BenchmarkDotNet.Attributes;
using Causeway.Core.Tensors;
using Causeway.Federation;
using Causeway.Federation.Horizontal;

namespace Causeway.Benchmarks;

/// <summary>
/// FedAvg's streaming aggregation (<see cref="WeightedMeanAggregator"/>: Begin, Accept per update, Complete) against
/// a plain <see cref="Vector{T}"/> summing loop over the same buffers; the Ratio column is aggregation time over
/// summing time (1.00 = as fast as the memory-bound sum).
/// </summary>
/// <remarks>
/// <see cref="WeightedMeanAccept"/> aggregates into one destination reused across operations, as the round engine
/// reuses one buffer across rounds; <see cref="WeightedMeanFreshBuffer"/> allocates the destination per operation, as
/// every round did before, to show what the reuse saves.
/// </remarks>
[MemoryDiagnoser]
public class AggregationBenchmarks
{
    private PartyUpdate[] _updates = [];
    private float[] _accumulator = [];
    private ParameterSet _destination = null!;
    private ParameterLayout _layout = null!;
    private readonly WeightedMeanAggregator _aggregator = new();
    private readonly RoundInfo _round = new("bench", 1, 1);

    /// <summary>Party updates folded per operation.</summary>
    [Params(10)]
    public int Updates { get; set; }

    /// <summary>Floats per update (1M = 4 MB, beyond the last-level cache; 10M = 40 MB).</summary>
    [Params(1_000_000, 10_000_000)]
    public int Parameters { get; set; }

    [GlobalSetup]
    public void Setup()
    {
        _layout = new ParameterLayout([new TensorSpec("w", [Parameters])]);
        var random = new Random(7);
        _updates = new PartyUpdate[Updates];
        for (var k = 0; k < Updates; k++)
        {
            var values = new float[Parameters];
            for (var i = 0; i < values.Length; i++)
            {
                values[i] = (float)(random.NextDouble() - 0.5);
            }

            _updates[k] = new PartyUpdate(new PartyId($"p{k}"), new ParameterSet(_layout, values), 100 + k, 0);
        }

        _accumulator = new float[Parameters];
        _destination = new ParameterSet(_layout);
    }

    /// <summary>acc[i] += update[i] for every update, one vectorised pass each (the bandwidth limit).</summary>
    [Benchmark(Baseline = true)]
    public float PlainVectorSum()
    {
        Array.Clear(_accumulator);
        var acc = MemoryMarshal.Cast<float, Vector<float>>(_accumulator.AsSpan());
        foreach (var update in _updates)
        {
            var values = MemoryMarshal.Cast<float, Vector<float>>(update.Delta.Values);
            for (var i = 0; i < acc.Length; i++)
            {
                acc[i] += values[i];
            }
        }

        return _accumulator[0];
    }

    /// <summary>The example-weighted mean of the updates through the FedAvg aggregator, into the reused destination.</summary>
    [Benchmark]
    public ParameterSet WeightedMeanAccept() => Aggregate(_destination);

    /// <summary>The same into a new destination every operation (fresh pages to fault in, as before buffers were reused).</summary>
    [Benchmark]
    public ParameterSet WeightedMeanFreshBuffer() => Aggregate(new ParameterSet(_layout, GC.AllocateUninitializedArray<float>(_layout.TotalLength)));

    private ParameterSet Aggregate(ParameterSet destination)
    {
        var aggregation = _aggregator.Begin(destination, _round);
        foreach (var update in _updates)
        {
            aggregation.Accept(update);
        }

        return aggregation.Complete();
    }
}
