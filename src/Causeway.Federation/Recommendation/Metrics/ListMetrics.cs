namespace Causeway.Federation.Recommendation.Metrics;

/// <summary>The quality of one ranked top-K list against the items the user actually chose (see <see cref="TopK"/>).</summary>
/// <param name="Hit">1 when at least one relevant item is in the top K, else 0.</param>
/// <param name="Ndcg">DCG@K / IDCG@K with binary relevance.</param>
/// <param name="Precision">Relevant items in the top K, divided by K.</param>
/// <param name="Recall">Relevant items in the top K, divided by the number of relevant items.</param>
public readonly record struct ListMetrics(double Hit, double Ndcg, double Precision, double Recall);
