using System.Diagnostics;
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
/// Streaming: the weighted mean so far lives in the caller's destination, the only model-sized buffer. Update k is
/// folded in one vectorised pass that reads it once, allocates nothing, and can drop it on return:
/// <c>mean ← mean + (Δ_k − mean)·w_k/W_k</c> with W_k = Σ_{j≤k} w_j (in double), which equals
/// <c>Σ w_j·Δ_j / W_k</c>. The first update is copied in, so the destination's old contents never matter. The running
/// form needs no final 1/Σw pass and never holds an unscaled sum, so large example counts cannot overflow it.
/// </para>
/// <para>
/// The destination is the caller's so that it can be reused: the round engine begins every round into one buffer.
/// A fresh buffer per round made every aggregation fault in a model's worth of new pages on its first pass; with
/// 10 updates of 10M floats the round took 1.5–4× as long as a plain <c>acc += Δ</c> loop over the same memory
/// (<c>causeway bench aggregate</c>, benchmarks/RESULTS.md section 4). Into a warm buffer it runs at that loop's speed.
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

    public IAggregation Begin(ParameterSet destination, RoundInfo round)
    {
        ArgumentNullException.ThrowIfNull(destination);
        return new Aggregation(destination, Weighting);
    }

    private sealed class Aggregation(ParameterSet destination, AggregationWeighting weighting) : IAggregation
    {
        // The caller's buffer until Complete; its old contents are overwritten by the first update.
        private ParameterSet? _mean = destination;
        private double _weight;

        public int Count { get; private set; }

        public void Accept(PartyUpdate update)
        {
            ArgumentNullException.ThrowIfNull(update);
            var mean = _mean ?? throw new InvalidOperationException("The aggregation is already complete.");
            Debug.Assert(update.Delta.Layout.Equals(mean.Layout), "The round engine validates layouts before folding.");
            if (update.Delta.Length != mean.Length)
            {
                throw new ArgumentException($"The update has {update.Delta.Length} values, the model {mean.Length}.", nameof(update));
            }

            ArgumentOutOfRangeException.ThrowIfNegativeOrZero(update.Examples, nameof(update));
            double weight = weighting == AggregationWeighting.Examples ? update.Examples : 1;
            _weight += weight;
            if (Count == 0)
            {
                update.Delta.Values.CopyTo(mean.Values);
            }
            else
            {
                AccumulateKernel.LerpInPlace(update.Delta.Values, (float)(weight / _weight), mean.Values);
            }

            Count++;
        }

        public ParameterSet Complete()
        {
            var mean = _mean ?? throw new InvalidOperationException("The aggregation is already complete.");
            if (Count == 0)
            {
                throw new InvalidOperationException("No update was accepted; there is nothing to aggregate.");
            }

            // Hand the buffer back: nothing here writes it again.
            _mean = null;
            return mean;
        }
    }
}
