namespace Causeway.Federation.Recommendation.Inference;

/// <summary>An item of a top-K list: its row in the item model and its predicted score (μ + b_u + b_i + p_u·q_i; BPR: b_i + p_u·q_i).</summary>
public readonly record struct ScoredItem(int Item, float Score);
