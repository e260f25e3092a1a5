using Causeway.Core.Tensors;

namespace Causeway.Federation.Recommendation;

/// <summary>
/// The federated half of a recommender: the item side, the only parameters that travel. Dense (the global model, and a
/// dense update) it is <c>item_factors[n, k]</c>, <c>item_bias[n]</c> and the scalar <c>global_mean</c>; a sparse update
/// holds only the rows a party touched: <c>item_rows[m]</c> (the item indices, ascending), <c>item_factors[m, k]</c> and
/// <c>item_bias[m]</c>; a counted update is the dense one followed by <c>item_counts[n]</c>, the party's weight for every
/// item it touched and 0 elsewhere (the form protected mean rounds mask or encrypt). A slice of the model, what a train
/// task carries down to a party whose rows the coordinator already knows (<see cref="Network.ItemSliceChannel"/>), is
/// the sparse form followed by <c>global_mean</c>. User factors and biases are never part of any of them.
/// </summary>
/// <remarks>
/// Row indices travel as float32, which holds every integer exactly up to 2^24 = 16,777,216; a larger catalogue is
/// refused rather than rounded.
/// </remarks>
public static class ItemModel
{
    public const string Factors = "item_factors";
    public const string Bias = "item_bias";
    public const string GlobalMean = "global_mean";
    public const string Rows = "item_rows";
    public const string Counts = "item_counts";

    /// <summary>The largest catalogue whose row indices float32 holds exactly: 2^24 items.</summary>
    public const int MaxItems = 1 << 24;

    /// <summary>The dense item model of <paramref name="items"/> items with <paramref name="factors"/> factors each.</summary>
    public static ParameterLayout Layout(int items, int factors)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(items, 1);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(items, MaxItems);
        ArgumentOutOfRangeException.ThrowIfLessThan(factors, 1);
        return new ParameterLayout([new TensorSpec(Factors, [items, factors]), new TensorSpec(Bias, [items]), new TensorSpec(GlobalMean, [])]);
    }

    /// <summary>A counted update: the dense item model of <paramref name="items"/> items followed by <c>item_counts[n]</c>.</summary>
    public static ParameterLayout CountedLayout(int items, int factors) =>
        new([.. Layout(items, factors).Tensors, new TensorSpec(Counts, [items])]);

    /// <summary>A sparse update of <paramref name="rows"/> item rows.</summary>
    public static ParameterLayout SparseLayout(int rows, int factors)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(rows, 1);
        ArgumentOutOfRangeException.ThrowIfLessThan(factors, 1);
        return new ParameterLayout([new TensorSpec(Rows, [rows]), new TensorSpec(Factors, [rows, factors]), new TensorSpec(Bias, [rows])]);
    }

    /// <summary>A slice of the item model: <paramref name="rows"/> item rows with their indices, and the global mean.</summary>
    public static ParameterLayout SliceLayout(int rows, int factors) => new([.. SparseLayout(rows, factors).Tensors, new TensorSpec(GlobalMean, [])]);

    /// <summary>The row count and factor count of a slice, or null when the layout is not one.</summary>
    public static (int Rows, int Factors)? DescribeSlice(ParameterLayout layout)
    {
        ArgumentNullException.ThrowIfNull(layout);
        return layout.Tensors.Count == 4 && layout.Tensors[3] is { Name: GlobalMean, Shape: [] }
            && DescribeSparse(new ParameterLayout([.. layout.Tensors.Take(3)])) is { } sparse
            ? sparse
            : null;
    }

    /// <summary>The rows <paramref name="rows"/> (ascending, in range) of the dense item model <paramref name="model"/>, with the global mean.</summary>
    public static ParameterSet Slice(ParameterSet model, ReadOnlySpan<int> rows)
    {
        ArgumentNullException.ThrowIfNull(model);
        var (items, factors) = Describe(model.Layout) ?? throw new ArgumentException($"Not a dense item model: {model.Layout}.", nameof(model));
        var slice = new ParameterSet(SliceLayout(rows.Length, factors));
        var indices = slice[Rows];
        var sliceFactors = slice[Factors];
        var sliceBias = slice[Bias];
        var modelFactors = model[Factors];
        var modelBias = model[Bias];
        for (var j = 0; j < rows.Length; j++)
        {
            var row = rows[j];
            if ((uint)row >= (uint)items || (j > 0 && row <= rows[j - 1]))
            {
                throw new ArgumentException($"Row {row} at position {j} is out of range or not ascending.", nameof(rows));
            }

            indices[j] = row;
            sliceBias[j] = modelBias[row];
            modelFactors.Slice(row * factors, factors).CopyTo(sliceFactors.Slice(j * factors, factors));
        }

        slice[GlobalMean][0] = model[GlobalMean][0];
        return slice;
    }

    /// <summary>Writes a slice's rows and global mean into the dense model <paramref name="model"/> (the other rows are left as they are).</summary>
    public static void Scatter(ParameterSet slice, ParameterSet model)
    {
        ArgumentNullException.ThrowIfNull(slice);
        ArgumentNullException.ThrowIfNull(model);
        var (rows, factors) = DescribeSlice(slice.Layout) ?? throw new ArgumentException($"Not an item model slice: {slice.Layout}.", nameof(slice));
        var (items, modelFactorCount) = Describe(model.Layout) ?? throw new ArgumentException($"Not a dense item model: {model.Layout}.", nameof(model));
        if (modelFactorCount != factors)
        {
            throw new ArgumentException($"The slice has {factors} factors, the model {modelFactorCount}.", nameof(slice));
        }

        var indices = slice[Rows];
        var sliceFactors = slice[Factors];
        var sliceBias = slice[Bias];
        var modelFactors = model[Factors];
        var modelBias = model[Bias];
        for (var j = 0; j < rows; j++)
        {
            var row = (int)indices[j];
            if (indices[j] != row || (uint)row >= (uint)items)
            {
                throw new ArgumentException($"The slice's row index {indices[j]} at position {j} is not a row of a {items}-item model.", nameof(slice));
            }

            modelBias[row] = sliceBias[j];
            sliceFactors.Slice(j * factors, factors).CopyTo(modelFactors.Slice(row * factors, factors));
        }

        model[GlobalMean][0] = slice[GlobalMean][0];
    }

    /// <summary>The catalogue size and factor count of a dense item model, or null when the layout is not one.</summary>
    public static (int Items, int Factors)? Describe(ParameterLayout layout)
    {
        ArgumentNullException.ThrowIfNull(layout);
        var t = layout.Tensors;
        return t.Count == 3
            && t[0] is { Name: Factors, Shape: [var n, var k] }
            && t[1] is { Name: Bias, Shape: [var nb] } && nb == n
            && t[2] is { Name: GlobalMean, Shape: [] }
            ? (n, k)
            : null;
    }

    /// <summary>The catalogue size and factor count of a counted update, or null when the layout is not one.</summary>
    public static (int Items, int Factors)? DescribeCounted(ParameterLayout layout)
    {
        ArgumentNullException.ThrowIfNull(layout);
        var t = layout.Tensors;
        return t.Count == 4
            && t[0] is { Name: Factors, Shape: [var n, var k] }
            && t[1] is { Name: Bias, Shape: [var nb] } && nb == n
            && t[2] is { Name: GlobalMean, Shape: [] }
            && t[3] is { Name: Counts, Shape: [var nc] } && nc == n
            ? (n, k)
            : null;
    }

    /// <summary>The row count and factor count of a sparse update layout, or null when the layout is not one.</summary>
    public static (int Rows, int Factors)? DescribeSparse(ParameterLayout layout)
    {
        ArgumentNullException.ThrowIfNull(layout);
        var t = layout.Tensors;
        return t.Count == 3
            && t[0] is { Name: Rows, Shape: [var m] }
            && t[1] is { Name: Factors, Shape: [var mf, var k] } && mf == m
            && t[2] is { Name: Bias, Shape: [var mb] } && mb == m
            ? (m, k)
            : null;
    }
}
