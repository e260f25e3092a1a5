namespace Causeway.Federation.Horizontal;

/// <summary>
/// Derives per-round and per-party seeds from a run seed with SplitMix64 finalisers (Steele, Lea and Flood 2014),
/// so that a resumed run selects the same parties and sends the same training seeds as an uninterrupted one.
/// </summary>
internal static class RunSeeds
{
    /// <summary>The seed of the <see cref="Random"/> that selects round <paramref name="round"/>'s parties.</summary>
    public static int Selection(ulong seed, int round) => unchecked((int)Mix(Mix(seed ^ 0x5E1EC7104UL) + (ulong)round));

    /// <summary>The training seed a party receives in a round; independent of which other parties were selected.</summary>
    public static ulong Party(ulong seed, int round, PartyId party) => Mix(Mix(Mix(seed) + (ulong)round) ^ Fnv1a(party.Value));

    public static ulong Mix(ulong z)
    {
        unchecked
        {
            z += 0x9E3779B97F4A7C15UL;
            z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9UL;
            z = (z ^ (z >> 27)) * 0x94D049BB133111EBUL;
            return z ^ (z >> 31);
        }
    }

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
