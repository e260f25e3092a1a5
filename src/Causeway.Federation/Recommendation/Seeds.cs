using Causeway.Federation.Horizontal;

namespace Causeway.Federation.Recommendation;

/// <summary>
/// Seeds of the recommendation code, derived with the run's SplitMix64 finaliser (<see cref="RunSeeds.Mix"/>) so that a
/// seed names the same split, initial model and samples on every runtime.
/// </summary>
internal static class Seeds
{
    public static ulong Mix(ulong z) => RunSeeds.Mix(z);

    /// <summary>The seed of one user's random streams (initial vector, sampled negatives): depends on the user's id, not on which party holds them.</summary>
    public static ulong ForUser(ulong seed, string userId, ulong purpose) => Mix(Mix(seed ^ purpose) ^ Fnv1a(userId));

    /// <summary>The 32-bit seed <see cref="Random"/> takes.</summary>
    public static int ToInt32(ulong seed) => unchecked((int)(seed ^ (seed >> 32)));

    // string.GetHashCode is randomised per process; a seed must not be.
    private static ulong Fnv1a(string text)
    {
        var hash = 14695981039346656037UL;
        foreach (var c in text)
        {
            hash = unchecked((hash ^ c) * 1099511628211UL);
        }

        return hash;
    }
}
