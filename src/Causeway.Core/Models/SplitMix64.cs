namespace Causeway.Core.Models;

/// <summary>
/// SplitMix64 (Steele, Lea and Flood 2014): a tiny seeded generator whose output depends on the seed alone,
/// never on the runtime version, so that a seed names the same initial model everywhere.
/// </summary>
internal struct SplitMix64(ulong seed)
{
    private ulong _state = seed;

    public ulong NextUInt64()
    {
        var z = _state += 0x9E3779B97F4A7C15UL;
        z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9UL;
        z = (z ^ (z >> 27)) * 0x94D049BB133111EBUL;
        return z ^ (z >> 31);
    }

    /// <summary>Mixes a 64-bit seed into the 32-bit seed <see cref="Random"/> takes, so that nearby seeds give unrelated streams.</summary>
    /// <remarks>The seed is offset by a constant first, so this stream is not the one <c>new SplitMix64(seed)</c> starts with.</remarks>
    public static int DeriveInt32(ulong seed) => unchecked((int)new SplitMix64(seed + 0xD1B54A32D192ED03UL).NextUInt64());

    /// <summary>A double uniform in [0, 1) with 53 random bits.</summary>
    public double NextDouble() => (NextUInt64() >> 11) * (1.0 / (1UL << 53));
}
