using System.Numerics.Tensors;
using Causeway.Core.Tensors;
using Causeway.Federation.Recommendation.Data;

namespace Causeway.Federation.Recommendation.Models;

/// <summary>
/// The hybrid model's two maps between the federated item model (catalogue rows q_i, b_i, then genre rows y_g, c_g) and
/// the plain one the kernels train: <see cref="Effective"/> composes every item's vector from its own row and its
/// genres', and <see cref="Expand"/> carries an item gradient back to the genre rows by the chain rule.
/// </summary>
/// <remarks>
/// With s_i = |G_i|^(−1/2) (0 for an item without genres): q̃_i = q_i + s_i·Σ_{g∈G_i} y_g and b̃_i = b_i + s_i·Σ c_g, so
/// ∂L/∂y_g = Σ_{i: g∈G_i} s_i·∂L/∂q̃_i and ∂L/∂q_i = ∂L/∂q̃_i. A delta (the change of a local SGD run) is not a
/// gradient, which is why the hybrid model runs with <see cref="ItemAggregation.GradientSum"/>.
/// <para>
/// The genre rows' gradient is divided by |I_g|, the catalogue items of the genre: a diagonal preconditioner, i.e. a
/// server step η/|I_g| for genre rows. The exact gradient of a genre row sums over every rating of every item of the
/// genre (tens of thousands for Drama on MovieLens), so the step that suits an item would throw the genre rows far off
/// (measured: a test's new-item RMSE went from 1.10 to 2.51 without it); divided, a genre moves like its average item.
/// </para>
/// </remarks>
internal static class HybridItems
{
    /// <summary>The plain item model (<paramref name="itemLayout"/>, n rows) whose rows are the hybrid's composed item vectors.</summary>
    public static ParameterSet Effective(ParameterSet hybrid, ItemGenres genres, ParameterLayout itemLayout)
    {
        var n = genres.ItemCount;
        var effective = new ParameterSet(itemLayout);
        var factors = effective[ItemModel.Factors];
        var k = factors.Length / n;
        var bias = effective[ItemModel.Bias];
        var from = hybrid[ItemModel.Factors];
        var fromBias = hybrid[ItemModel.Bias];
        from[..(n * k)].CopyTo(factors);
        fromBias[..n].CopyTo(bias);
        effective[ItemModel.GlobalMean][0] = hybrid[ItemModel.GlobalMean][0];
        for (var i = 0; i < n; i++)
        {
            var of = genres.Of(i);
            if (of.IsEmpty)
            {
                continue;
            }

            var scale = 1f / MathF.Sqrt(of.Length);
            var row = factors.Slice(i * k, k);
            foreach (var g in of)
            {
                TensorPrimitives.MultiplyAdd(from.Slice((n + g) * k, k), scale, row, row);
                bias[i] += scale * fromBias[n + g];
            }
        }

        return effective;
    }

    /// <summary>
    /// A plain item gradient (sparse over item rows, or dense over the catalogue) as the hybrid's: the item rows as they
    /// are, plus each genre row the gradient reaches, Σ_i s_i·(the item's row) / |I_g|. Sparse in, sparse out (genre rows after
    /// the items, so the rows stay ascending); dense in, dense out.
    /// </summary>
    public static ParameterSet Expand(ParameterSet update, ItemGenres genres, ItemUpdateLayouts layouts)
    {
        var n = genres.ItemCount;
        var k = layouts.Factors;
        var genreFactors = new float[genres.Count * k];
        var genreBias = new float[genres.Count];
        var touched = new bool[genres.Count];
        var factors = update[ItemModel.Factors];
        var bias = update[ItemModel.Bias];
        var sparse = ItemModel.DescribeSparse(update.Layout) is not null;
        var rows = sparse ? update[ItemModel.Rows] : default;
        var count = sparse ? rows.Length : n;
        for (var j = 0; j < count; j++)
        {
            var of = genres.Of(sparse ? (int)rows[j] : j);
            if (of.IsEmpty)
            {
                continue;
            }

            var share = 1f / MathF.Sqrt(of.Length);
            var row = factors.Slice(j * k, k);
            foreach (var g in of)
            {
                var scale = share / genres.ItemsWith(g);
                var into = genreFactors.AsSpan(g * k, k);
                TensorPrimitives.MultiplyAdd(row, scale, into, into);
                genreBias[g] += scale * bias[j];
                touched[g] = true;
            }
        }

        if (!sparse)
        {
            var dense = new ParameterSet(ItemModel.Layout(n + genres.Count, k));
            factors.CopyTo(dense[ItemModel.Factors]);
            bias.CopyTo(dense[ItemModel.Bias]);
            genreFactors.CopyTo(dense[ItemModel.Factors][(n * k)..]);
            genreBias.CopyTo(dense[ItemModel.Bias][n..]);
            return dense;
        }

        var reached = touched.Count(t => t);
        var expanded = new ParameterSet(layouts.Sparse(count + reached));
        var toRows = expanded[ItemModel.Rows];
        var toFactors = expanded[ItemModel.Factors];
        var toBias = expanded[ItemModel.Bias];
        rows.CopyTo(toRows);
        factors.CopyTo(toFactors);
        bias.CopyTo(toBias);
        var at = count;
        for (var g = 0; g < genres.Count; g++)
        {
            if (touched[g])
            {
                toRows[at] = n + g;
                genreFactors.AsSpan(g * k, k).CopyTo(toFactors.Slice(at * k, k));
                toBias[at] = genreBias[g];
                at++;
            }
        }

        return expanded;
    }
}
