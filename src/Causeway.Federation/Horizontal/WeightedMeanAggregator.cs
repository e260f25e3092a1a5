using System.Diagnostics;
using System.Numerics.Tensors;
using Causeway.Core.Tensors;

namespace Causeway.Federation.Horizontal;

/// <summary>
/// The FedAvg aggregation: the weighted mean of the parties' deltas, folded in one update at a time.
/// </summary>
/// <remarks>
/// <para>
/// Effectively computes <c>Δ[i] = Σ_k w_k·Δ_k[i] / Σ_k w_k</c> with <c>w_k</c> = n_k (examples) or 1
/// (McMahan et al. 2017, "Communication-Efficient Learning of Deep Networks from Decentralized Data").
/// </para>
/// <para>
/// Streaming: the aggregation owns one float32 accumulator of the model's length. Each
/// <see cref="IAggregation.Accept"/> is one fused multiply-add pass over it (<c>acc = Δ_k·w_k + acc</c>)
/// that allocates nothing; the update can be dropped as soon as it returns. <see cref="IAggregation.Complete"/>
/// scales by 1/Σw once. The weight sum is kept in double.
/// </para>
/// <para>
/// Float addition is not associative, so the bits of the result depend on the order updates are folded in.
/// The aggregation folds in the order it is called; the round engine can fold in selection order
/// (<see cref="FoldOrder.Selection"/>) so that a seeded run is reproducible bit for bit.
/// </para>
/// </remarks>
public sealed class WeightedMeanAggregator : IAggregator
{
    public WeightedMeanAggregator(AggregationWeighting weighting = AggregationWeighting.Examples)
    {
        if (!Enum.IsDefined(weighting))
        {
            throw new ArgumentOutOfRangeException(nameof(weighting), weighting, "Unknown weighting.");
        }

        Weighting = weighting;
    }

    public AggregationWeighting Weighting { get; }

    public IAggregation Begin(ParameterLayout layout, RoundInfo round)
    {
        ArgumentNullException.ThrowIfNull(layout);
        return new Aggregation(layout, Weighting);
    }

    private sealed class Aggregation(ParameterLayout layout, AggregationWeighting weighting) : IAggregation
    {
        private ParameterSet? _sum = new(layout);
        private double _weight;

        public int Count { get; private set; }

        public void Accept(PartyUpdate update)
        {
            ArgumentNullException.ThrowIfNull(update);
            var sum = _sum ?? throw new InvalidOperationException("The aggregation is already complete.");
            Debug.Assert(update.Delta.Layout.Equals(layout), "The round engine validates layouts before folding.");
            if (update.Delta.Length != sum.Length)
            {
                throw new ArgumentException($"The update has {update.Delta.Length} values, the model {sum.Length}.", nameof(update));
            }

            ArgumentOutOfRangeException.ThrowIfNegativeOrZero(update.Examples, nameof(update));
            var weight = weighting == AggregationWeighting.Examples ? update.Examples : 1;
            var values = sum.Values;
            TensorPrimitives.MultiplyAdd(update.Delta.Values, (float)weight, values, values);
            _weight += weight;
            Count++;
        }

        public ParameterSet Complete()
        {
            var sum = _sum ?? throw new InvalidOperationException("The aggregation is already complete.");
            if (Count == 0)
            {
                throw new InvalidOperationException("No update was accepted; there is nothing to aggregate.");
            }

            _sum = null;
            TensorPrimitives.Multiply(sum.Values, (float)(1.0 / _weight), sum.Values);
            return sum;
        }
    }
}
