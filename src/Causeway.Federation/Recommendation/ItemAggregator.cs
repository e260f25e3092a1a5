using System.Buffers;
using System.Diagnostics;
using System.Numerics.Tensors;
using Causeway.Core.Tensors;
using Causeway.Federation.Horizontal;

namespace Causeway.Federation.Recommendation;

/// <summary>
/// The item aggregation of federated collaborative filtering (Ammad-ud-din et al. 2019, "Federated Collaborative
/// Filtering for Privacy-Preserving Personalized Recommendation System", arXiv:1901.09888; Chai et al. 2020, "Secure
/// Federated Matrix Factorization", IEEE Intelligent Systems 36(5)): folds the parties' item updates, sparse or dense,
/// one at a time, per item row.
/// </summary>
/// <remarks>
/// <para>
/// With S_i the parties whose update holds row i, w_k = 1 (<see cref="ItemAggregation.Mean"/>) or n_k, the party's
/// training ratings (<see cref="ItemAggregation.WeightedMean"/>), the aggregate effectively is
/// </para>
/// <code>
/// Mean, WeightedMean:  Δ_i = Σ_{k∈S_i} w_k·Δ_k,i / Σ_{k∈S_i} w_k
/// GradientSum:         Δ_i = Σ_{k∈S_i} Δ_k,i
/// </code>
/// <para>
/// and Δ_i = 0 for a row no update holds; <c>global_mean</c> gets 0 (μ is fixed at setup). Dividing by the parties
/// that hold a row, not by all parties of the round, is what keeps a sparse item update from being diluted: an item
/// rated by 3 of 610 users would otherwise move by 3/610 of their mean change. A sparse update holds exactly the rows it
/// lists. A dense update holds every row — it cannot say which of its zeros are "not rated" without saying what it
/// rated — so the means over dense updates are diluted by the share of parties that touched each item; a protected
/// dense mode has to send per-item counts beside the masked rows to undo that. The sum needs no count: a party that
/// did not rate an item adds zero to its gradient.
/// </para>
/// <para>
/// Counted updates (<see cref="ItemUpdateForm.Counted"/>) are that remedy: the dense rows followed by
/// <c>item_counts[n]</c>, 1 on the rows the party touched. In the clear a counted update is folded like a sparse one
/// (only its counted rows). Under a protection (secure aggregation, Paillier) the coordinator never sees an update: the
/// protected round hands back the mean of the parties' counted vectors, Σ_k w_k·[Δ_k; c_k] / Σ_k w_k, w_k the public
/// bounded weight (1, or min(n_k, W)/W for the weighted mean, <see cref="Horizontal.Protection.UpdateWeight"/>), and
/// <see cref="CompleteProtected"/> divides each item's rows by its count, Σ_{k∈S_i} w_k·Δ_k,i / Σ_{k∈S_i} w_k: the same
/// per-item mean, computed from two sums. The gradient sum is protected as a plain dense update and completed as
/// K × mean.
/// </para>
/// <para>
/// Streaming, as <see cref="WeightedMeanAggregator"/>: the running per-row mean lives in the caller's destination,
/// <c>Δ_i ← Δ_i + (Δ_k,i − Δ_i)·w_k / W_i</c> with W_i = Σ w_j over the updates so far that hold row i (one pooled
/// double per item); each update is read once, row by row, and nothing is allocated per update.
/// </para>
/// </remarks>
public sealed class ItemAggregator : IAggregator
{
    public ItemAggregator(ItemAggregation mode = ItemAggregation.Mean)
    {
        if (!Enum.IsDefined(mode))
        {
            throw new ArgumentOutOfRangeException(nameof(mode), mode, "Unknown item aggregation.");
        }

        Mode = mode;
    }

    public ItemAggregation Mode { get; }

    public IAggregation Begin(ParameterSet destination, RoundInfo round)
    {
        ArgumentNullException.ThrowIfNull(destination);
        var shape = ItemModel.Describe(destination.Layout)
            ?? throw new ArgumentException($"The destination is not an item model: {destination.Layout}.", nameof(destination));
        return new Aggregation(destination, shape.Items, shape.Factors, Mode);
    }

    /// <summary>
    /// What a party masks or encrypts in a protected round: the counted layout for the means (their per-item divisor
    /// must travel under the same protection), the dense item model for the gradient sum.
    /// </summary>
    public ParameterLayout ProtectedLayout(ParameterLayout global)
    {
        ArgumentNullException.ThrowIfNull(global);
        var (items, factors) = ItemModel.Describe(global) ?? throw new ArgumentException($"The global model is not an item model: {global}.", nameof(global));
        return Mode == ItemAggregation.GradientSum ? global : ItemModel.CountedLayout(items, factors);
    }

    /// <summary>
    /// The aggregate from a protected round's mean of <paramref name="updates"/> uniformly or boundedly weighted
    /// protected vectors: per item Σ w·Δ / Σ w·c for the means (0 for an item no update counted), K × mean for the
    /// gradient sum (whose weights are uniform).
    /// </summary>
    public ParameterSet CompleteProtected(ParameterSet mean, int updates, ParameterLayout global)
    {
        ArgumentNullException.ThrowIfNull(mean);
        ArgumentNullException.ThrowIfNull(global);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(updates);
        if (!mean.Layout.Equals(ProtectedLayout(global)))
        {
            throw new ArgumentException($"The protected mean has the layout {mean.Layout}; {ProtectedLayout(global)} was expected.", nameof(mean));
        }

        if (Mode == ItemAggregation.GradientSum)
        {
            TensorPrimitives.Multiply(mean.Values, updates, mean.Values);
            return mean;
        }

        var (items, factors) = ItemModel.Describe(global)!.Value;
        var aggregate = new ParameterSet(global);
        var counts = mean[ItemModel.Counts];
        var fromFactors = mean[ItemModel.Factors];
        var fromBias = mean[ItemModel.Bias];
        var toFactors = aggregate[ItemModel.Factors];
        var toBias = aggregate[ItemModel.Bias];
        for (var i = 0; i < items; i++)
        {
            // Parties that did not touch an item send exact zeros, which both protections sum exactly: no count, no move.
            var count = counts[i];
            if (count > 0)
            {
                TensorPrimitives.Divide(fromFactors.Slice(i * factors, factors), count, toFactors.Slice(i * factors, factors));
                toBias[i] = fromBias[i] / count;
            }
        }

        return aggregate;
    }

    /// <summary>
    /// Accepts a dense update (the global layout, <c>global_mean</c> unchanged), a counted one (the dense layout and
    /// counts of 0 or 1), or a sparse one whose rows are whole numbers in [0, n), strictly ascending, with the global
    /// model's rank.
    /// </summary>
    public string? DescribeMisfit(ParameterLayout global, ParameterSet delta)
    {
        ArgumentNullException.ThrowIfNull(global);
        ArgumentNullException.ThrowIfNull(delta);
        if (ItemModel.Describe(global) is not (int items, int factors))
        {
            return $"the global model is not an item model ({global})";
        }

        if (delta.Layout.Equals(global))
        {
            return delta[ItemModel.GlobalMean][0] == 0 ? null : "the update changes the global mean, which is fixed for the run";
        }

        if (ItemModel.DescribeCounted(delta.Layout) == (items, factors))
        {
            if (delta[ItemModel.GlobalMean][0] != 0)
            {
                return "the update changes the global mean, which is fixed for the run";
            }

            var counts = delta[ItemModel.Counts];
            var other = counts.IndexOfAnyExcept(0f, 1f);
            return other < 0 ? null : $"{ItemModel.Counts}[{other}] = {counts[other]}; a count is 0 (not touched) or 1 (touched)";
        }

        if (ItemModel.DescribeSparse(delta.Layout) is not (int rows, int rank))
        {
            return $"layout mismatch: expected the item model ({global}) or a sparse item update ({ItemModel.Rows}[m], {ItemModel.Factors}[m, {factors}], {ItemModel.Bias}[m]), got {delta.Layout}";
        }

        if (rank != factors)
        {
            return $"the update has {rank} factors per item; the model has {factors}";
        }

        if (rows > items)
        {
            return $"the update holds {rows} rows; the catalogue has {items} items";
        }

        var indices = delta[ItemModel.Rows];
        var previous = -1f;
        for (var j = 0; j < indices.Length; j++)
        {
            var row = indices[j];
            if (!(row >= 0 && row < items && row == MathF.Floor(row)))
            {
                return $"{ItemModel.Rows}[{j}] = {row} is not an item index from 0 to {items - 1}";
            }

            if (row <= previous)
            {
                return $"{ItemModel.Rows} must be strictly ascending; [{j}] = {row} follows {previous}";
            }

            previous = row;
        }

        return null;
    }

    /// <summary>Scales the update's factor and bias rows (and a dense update's zero global mean), never a sparse update's row indices.</summary>
    public void Scale(ParameterSet delta, float factor)
    {
        ArgumentNullException.ThrowIfNull(delta);
        foreach (var tensor in delta.Layout.Tensors)
        {
            if (tensor.Name != ItemModel.Rows)
            {
                var values = delta[tensor.Name];
                TensorPrimitives.Multiply(values, factor, values);
            }
        }
    }

    private sealed class Aggregation : IAggregation
    {
        private readonly int _items;
        private readonly int _factors;
        private readonly ItemAggregation _mode;

        // The caller's buffer, and the pooled per-row weight sums W_i, until Complete.
        private ParameterSet? _destination;
        private double[]? _weights;

        public Aggregation(ParameterSet destination, int items, int factors, ItemAggregation mode)
        {
            _items = items;
            _factors = factors;
            _mode = mode;
            _destination = destination;
            destination.Values.Clear();
            if (mode != ItemAggregation.GradientSum)
            {
                _weights = ArrayPool<double>.Shared.Rent(items);
                _weights.AsSpan(0, items).Clear();
            }
        }

        public int Count { get; private set; }

        public void Accept(PartyUpdate update)
        {
            ArgumentNullException.ThrowIfNull(update);
            var destination = _destination ?? throw new InvalidOperationException("The aggregation is already complete.");
            ArgumentOutOfRangeException.ThrowIfNegativeOrZero(update.Examples, nameof(update));
            var delta = update.Delta;
            var factors = delta[ItemModel.Factors];
            var bias = delta[ItemModel.Bias];
            var into = destination[ItemModel.Factors];
            var intoBias = destination[ItemModel.Bias];
            var weight = _mode == ItemAggregation.WeightedMean ? update.Examples : 1.0;
            if (delta.Layout.Equals(destination.Layout))
            {
                for (var i = 0; i < _items; i++)
                {
                    Fold(i, factors.Slice(i * _factors, _factors), bias[i], weight, into, intoBias);
                }
            }
            else if (delta.Layout.Tensors.Count == 4)
            {
                // Counted: only the rows the party touched, as if it had sent them sparse.
                var counts = delta[ItemModel.Counts];
                for (var i = 0; i < _items; i++)
                {
                    if (counts[i] != 0)
                    {
                        Fold(i, factors.Slice(i * _factors, _factors), bias[i], weight, into, intoBias);
                    }
                }
            }
            else
            {
                var rows = delta[ItemModel.Rows];
                Debug.Assert(factors.Length == rows.Length * _factors, "The round engine checked the shape (ItemAggregator.DescribeMisfit).");
                for (var j = 0; j < rows.Length; j++)
                {
                    Fold((int)rows[j], factors.Slice(j * _factors, _factors), bias[j], weight, into, intoBias);
                }
            }

            Count++;
        }

        public ParameterSet Complete()
        {
            var destination = _destination ?? throw new InvalidOperationException("The aggregation is already complete.");
            if (Count == 0)
            {
                throw new InvalidOperationException("No update was accepted; there is nothing to aggregate.");
            }

            if (_weights is not null)
            {
                ArrayPool<double>.Shared.Return(_weights);
                _weights = null;
            }

            _destination = null;
            return destination;
        }

        private void Fold(int row, ReadOnlySpan<float> factors, float bias, double weight, Span<float> into, Span<float> intoBias)
        {
            var target = into.Slice(row * _factors, _factors);
            if (_weights is null)
            {
                TensorPrimitives.Add(target, factors, target);
                intoBias[row] += bias;
                return;
            }

            // The first update to hold a row gets amount 1 over the zeroed row: exactly its values.
            var total = _weights[row] += weight;
            var amount = (float)(weight / total);
            AccumulateKernel.LerpInPlace(factors, amount, target);
            intoBias[row] += (bias - intoBias[row]) * amount;
        }
    }
}
