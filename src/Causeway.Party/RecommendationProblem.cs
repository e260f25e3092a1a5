namespace Causeway.Party;

/// <summary>Why a party cannot recommend for a user.</summary>
public enum RecommendationProblem
{
    /// <summary>No recommendation run has reached this party yet.</summary>
    NoModel,

    /// <summary>The party neither holds the user nor folded them in.</summary>
    UnknownUser,
}
