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
    /// Accepts a dense update (the global layout, <c>global_mean</c> unchanged) or a sparse one whose rows are whole
    /// numbers in [0, n), strictly ascending, with the global model's rank.
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
