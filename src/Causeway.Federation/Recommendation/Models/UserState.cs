using Causeway.Federation.Recommendation.Data;

namespace Causeway.Federation.Recommendation.Models;

/// <summary>
/// The user half of a recommender, which never leaves the party that holds the users: a factor vector p_u and a bias
/// b_u per local user (BPR has no user bias; it stays 0). Kept across rounds by the party.
/// </summary>
internal sealed class UserState
{
    /// <summary>Seed purpose of a user's initial vector.</summary>
    private const ulong InitPurpose = 0x1217_05E7UL;

    private UserState(int users, int factors)
    {
        FactorCount = factors;
        Factors = new float[users * factors];
        Bias = new float[users];
    }

    public int FactorCount { get; }

    /// <summary>p_u for local user u at [u·k, (u + 1)·k).</summary>
    public float[] Factors { get; }

    /// <summary>b_u for local user u.</summary>
    public float[] Bias { get; }

    public Span<float> FactorsOf(int user) => Factors.AsSpan(user * FactorCount, FactorCount);

    /// <summary>
    /// p_u drawn from N(0, σ²), b_u = 0, each user from a stream seeded by the run seed and the user's id, so a user
    /// starts from the same vector whichever party holds them (and in the centralised reference).
    /// </summary>
    public static UserState Initialize(PartyRatings data, RecommenderSpec spec, ulong seed)
    {
        var state = new UserState(data.UserCount, spec.Factors);
        for (var u = 0; u < data.UserCount; u++)
        {
            new GaussianStream(Seeds.ForUser(seed, data.UserIds[u], InitPurpose)).Fill(state.FactorsOf(u), spec.InitStandardDeviation);
        }

        return state;
    }
}
