namespace Causeway.Federation.Recommendation.Metrics;

/// <summary>Top-K metrics of one ranked list: HR@K, NDCG@K, precision@K and recall@K with binary relevance.</summary>
/// <remarks>
/// <para>
/// The candidates are ordered by score, highest first, ties by item index, lowest first (a fixed rule, so a tie never
/// depends on the order candidates are given in). With L the first K of that order and R the relevant items:
/// </para>
/// <code>
/// hits      = |L ∩ R|
/// HR@K      = 1 if hits &gt; 0 else 0
/// DCG@K     = Σ_{p=1..K, L_p ∈ R} 1 / log2(p + 1)
/// IDCG@K    = Σ_{p=1..min(K, |R|)} 1 / log2(p + 1)
/// NDCG@K    = DCG@K / IDCG@K
/// precision = hits / K        recall = hits / |R|
/// </code>
/// <para>
/// With one relevant item at rank p ≤ K this is HR = 1, NDCG = 1 / log2(p + 1), precision = 1/K, recall = 1 — the
/// leave-one-out figures of He et al. 2017. One pass over the candidates with an insertion-sorted top K; no allocation.
/// </para>
/// </remarks>
public static class TopK
{
    /// <summary>The largest K accepted: the top list lives on the stack.</summary>
    public const int MaxK = 1024;

    /// <summary>The metrics of ranking <paramref name="candidates"/> by <paramref name="scores"/>.</summary>
    /// <param name="candidates">Item indices, each once.</param>
    /// <param name="scores">The score of each candidate, same length; NaN is not allowed.</param>
    /// <param name="relevant">The relevant item indices, ascending and distinct, at least one.</param>
    /// <param name="k">The list length K, 1 to <see cref="MaxK"/>.</param>
    public static ListMetrics Evaluate(ReadOnlySpan<int> candidates, ReadOnlySpan<float> scores, ReadOnlySpan<int> relevant, int k)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(k, 1);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(k, MaxK);
        if (candidates.Length != scores.Length)
        {
            throw new ArgumentException($"{candidates.Length} candidates for {scores.Length} scores.");
        }

        if (relevant.IsEmpty)
        {
            throw new ArgumentException("A ranked list needs at least one relevant item.", nameof(relevant));
        }

        Span<int> top = stackalloc int[k];
        Span<float> topScores = stackalloc float[k];
        var filled = 0;
        for (var c = 0; c < candidates.Length; c++)
        {
            var item = candidates[c];
            var score = scores[c];
            if (float.IsNaN(score))
            {
                throw new ArgumentException($"The score of item {item} is NaN.", nameof(scores));
            }

            if (filled == k && !Before(score, item, topScores[k - 1], top[k - 1]))
            {
                continue;
            }

            var p = filled < k ? filled++ : k - 1;
            while (p > 0 && Before(score, item, topScores[p - 1], top[p - 1]))
            {
                top[p] = top[p - 1];
                topScores[p] = topScores[p - 1];
                p--;
            }

            top[p] = item;
            topScores[p] = score;
        }

        var hits = 0;
        double dcg = 0;
        for (var p = 0; p < filled; p++)
        {
            if (relevant.BinarySearch(top[p]) >= 0)
            {
                hits++;
                dcg += 1 / Math.Log2(p + 2);
            }
        }

        double ideal = 0;
        for (var p = 0; p < Math.Min(k, relevant.Length); p++)
        {
            ideal += 1 / Math.Log2(p + 2);
        }

        return new ListMetrics(hits > 0 ? 1 : 0, dcg / ideal, (double)hits / k, (double)hits / relevant.Length);
    }

    // Higher score first; on equal scores the lower item index.
    private static bool Before(float score, int item, float otherScore, int otherItem) =>
        score > otherScore || (score == otherScore && item < otherItem);
}
