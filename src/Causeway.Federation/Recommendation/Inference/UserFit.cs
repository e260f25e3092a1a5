using System.Numerics.Tensors;
using Causeway.Core.Tensors;

namespace Causeway.Federation.Recommendation.Inference;

/// <summary>
/// Folds a new user into a trained matrix factorisation without a round: their bias and factors are fitted to their
/// few ratings against the fixed item model, where the user is.
/// </summary>
/// <remarks>
/// Ridge regression in closed form (the user step of alternating least squares, Hu, Koren and Volinsky 2008; Koren et
/// al. 2009): with x_i = (1, q_i) and y_i = r_ui − μ − b_i over the user's n ratings,
/// (b_u, p_u) = (Σ x_i x_iᵀ + λ n I)⁻¹ Σ x_i y_i — the minimiser of the training loss's user terms
/// ½ Σ (r_ui − r̂_ui)² + ½ λ (b_u² + ‖p_u‖²) per rating with the items fixed. Solved in double precision by Cholesky
/// (the matrix is positive definite for λ &gt; 0).
/// </remarks>
public static class UserFit
{
    /// <summary>Fits a user who rated <paramref name="rows"/> with <paramref name="ratings"/>.</summary>
    /// <param name="items">The item model.</param>
    /// <param name="rows">The rated items' rows (distinct).</param>
    /// <param name="ratings">The ratings, one per row.</param>
    /// <param name="regularization">λ &gt; 0, per rating (the run's plan's).</param>
    /// <exception cref="ArgumentException">No ratings, rows and ratings of different lengths, a row out of range or repeated.</exception>
    public static UserVector Fit(ParameterSet items, ReadOnlySpan<int> rows, ReadOnlySpan<float> ratings, float regularization)
    {
        ArgumentNullException.ThrowIfNull(items);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(regularization);
        var (n, k) = ItemModel.Describe(items.Layout) ?? throw new ArgumentException($"Not an item model: {items.Layout}.", nameof(items));
        if (rows.Length == 0 || rows.Length != ratings.Length)
        {
            throw new ArgumentException($"A user to fold in needs at least one rating and one rating per item; got {rows.Length} items and {ratings.Length} ratings.");
        }

        var seen = rows.ToArray();
        Array.Sort(seen);
        for (var j = 0; j < seen.Length; j++)
        {
            if ((uint)seen[j] >= (uint)n || (j > 0 && seen[j] == seen[j - 1]))
            {
                throw new ArgumentException($"Item row {seen[j]} is out of the catalogue's {n} rows or rated twice.");
            }
        }

        var q = items[ItemModel.Factors];
        var bias = items[ItemModel.Bias];
        var mu = items[ItemModel.GlobalMean][0];
        var d = k + 1;
        var a = new double[d * d];
        var b = new double[d];
        var x = new double[d];
        for (var j = 0; j < rows.Length; j++)
        {
            var row = rows[j];
            x[0] = 1;
            var qi = q.Slice(row * k, k);
            for (var f = 0; f < k; f++)
            {
                x[f + 1] = qi[f];
            }

            var y = ratings[j] - mu - bias[row];
            for (var r = 0; r < d; r++)
            {
                b[r] += x[r] * y;
                for (var c = 0; c <= r; c++)
                {
                    a[(r * d) + c] += x[r] * x[c];
                }
            }
        }

        for (var r = 0; r < d; r++)
        {
            a[(r * d) + r] += regularization * rows.Length;
        }

        var solution = SolveCholesky(a, b, d);
        var factors = new float[k];
        for (var f = 0; f < k; f++)
        {
            factors[f] = (float)solution[f + 1];
        }

        return new UserVector((float)solution[0], factors, seen);
    }

    /// <summary>The user's predicted rating of item <paramref name="row"/>: μ + b_u + b_i + p_u·q_i (unclipped).</summary>
    public static float Predict(ParameterSet items, UserVector user, int row)
    {
        ArgumentNullException.ThrowIfNull(items);
        ArgumentNullException.ThrowIfNull(user);
        var k = user.Factors.Length;
        return items[ItemModel.GlobalMean][0] + user.Bias + items[ItemModel.Bias][row] + TensorPrimitives.Dot(user.Factors, items[ItemModel.Factors].Slice(row * k, k));
    }

    // Solves A x = b for a symmetric positive definite A given by its lower triangle (row-major, d × d), in place.
    private static double[] SolveCholesky(double[] a, double[] b, int d)
    {
        for (var j = 0; j < d; j++)
        {
            var diagonal = a[(j * d) + j];
            for (var p = 0; p < j; p++)
            {
                diagonal -= a[(j * d) + p] * a[(j * d) + p];
            }

            var l = Math.Sqrt(diagonal);
            a[(j * d) + j] = l;
            for (var i = j + 1; i < d; i++)
            {
                var sum = a[(i * d) + j];
                for (var p = 0; p < j; p++)
                {
                    sum -= a[(i * d) + p] * a[(j * d) + p];
                }

                a[(i * d) + j] = sum / l;
            }
        }

        var y = new double[d];
        for (var i = 0; i < d; i++)
        {
            var sum = b[i];
            for (var p = 0; p < i; p++)
            {
                sum -= a[(i * d) + p] * y[p];
            }

            y[i] = sum / a[(i * d) + i];
        }

        var x = new double[d];
        for (var i = d - 1; i >= 0; i--)
        {
            var sum = y[i];
            for (var p = i + 1; p < d; p++)
            {
                sum -= a[(p * d) + i] * x[p];
            }

            x[i] = sum / a[(i * d) + i];
        }

        return x;
    }
}
