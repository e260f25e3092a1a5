namespace Causeway.Federation.Recommendation;

/// <summary>Which recommender a run trains.</summary>
public enum RecommenderKind
{
    /// <summary>
    /// Biased matrix factorisation for explicit ratings, r̂ = μ + b_u + b_i + p_u·q_i, fitted to the squared error
    /// (Koren, Bell and Volinsky 2009). The default.
    /// </summary>
    MatrixFactorization,

    /// <summary>
    /// Bayesian personalised ranking for implicit feedback (Rendle et al. 2009): every rated item is a positive, and
    /// x̂_ui = b_i + p_u·q_i is trained to rank a positive above a sampled unrated item.
    /// </summary>
    Bpr,
}
