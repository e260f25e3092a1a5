namespace Causeway.Federation.Recommendation.Inference;

/// <summary>A user's side of the model where the user is: bias b_u (0 under BPR), factors p_u, and the items they rated (ascending).</summary>
/// <param name="Bias">b_u.</param>
/// <param name="Factors">p_u, k values.</param>
/// <param name="Seen">The rows of the items the user rated, ascending, without repeats: never recommended.</param>
public sealed record UserVector(float Bias, float[] Factors, int[] Seen);
