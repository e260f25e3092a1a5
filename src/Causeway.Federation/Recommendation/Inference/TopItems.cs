using System.Numerics.Tensors;
using Causeway.Core.Tensors;

namespace Causeway.Federation.Recommendation.Inference;

/// <summary>Top-K recommendations for one user against the item model, computed where the user's vector is.</summary>
public static class TopItems
{
    /// <summary>
    /// The <paramref name="k"/> items with the highest score s_i = μ + b_u + b_i + p_u·q_i that the user has not rated,
    /// best first; ties go to the lower item row. Fewer when the user has rated nearly everything.
    /// </summary>
    /// <param name="items">The item model (<see cref="ItemModel.Layout"/>).</param>
    /// <param name="user">The user's vector and rated items.</param>
    /// <param name="k">The list length, at least 1.</param>
    /// <exception cref="ArgumentException">The user's factor count is not the model's.</exception>
    public static IReadOnlyList<ScoredItem> For(ParameterSet items, UserVector user, int k)
    {
        ArgumentNullException.ThrowIfNull(items);
        ArgumentNullException.ThrowIfNull(user);
        ArgumentOutOfRangeException.ThrowIfLessThan(k, 1);
        var (n, factors) = ItemModel.Describe(items.Layout) ?? throw new ArgumentException($"Not an item model: {items.Layout}.", nameof(items));
        if (user.Factors.Length != factors)
        {
            throw new ArgumentException($"The user has {user.Factors.Length} factors; the item model has {factors}.", nameof(user));
        }

        var q = items[ItemModel.Factors];
        var bias = items[ItemModel.Bias];
        var offset = items[ItemModel.GlobalMean][0] + user.Bias;

        // A bounded list kept sorted best first: n·log K comparisons at most, one allocation.
        var best = new List<ScoredItem>(k + 1);
        var seen = 0;
        for (var i = 0; i < n; i++)
        {
            while (seen < user.Seen.Length && user.Seen[seen] < i)
            {
                seen++;
            }

            if (seen < user.Seen.Length && user.Seen[seen] == i)
            {
                continue;
            }

            var score = offset + bias[i] + TensorPrimitives.Dot(user.Factors, q.Slice(i * factors, factors));
            if (best.Count == k && !(score > best[^1].Score))
            {
                continue;
            }

            // Insert after every item of an equal or higher score, so ties keep the lower row first.
            var at = best.Count;
            while (at > 0 && best[at - 1].Score < score)
            {
                at--;
            }

            best.Insert(at, new ScoredItem(i, score));
            if (best.Count > k)
            {
                best.RemoveAt(k);
            }
        }

        return best;
    }
}
