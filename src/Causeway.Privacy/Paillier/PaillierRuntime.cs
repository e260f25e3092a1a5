using Causeway.Privacy.BigIntegers;

namespace Causeway.Privacy.Paillier;

/// <summary>Which big-integer backend Paillier runs on in this process.</summary>
public static class PaillierRuntime
{
    /// <summary>
    /// <c>"gmp"</c> when <c>libgmp.so.10</c> loaded (checked once, on first use, with <c>NativeLibrary.TryLoad</c> and a
    /// self-test), otherwise <c>"managed"</c> (<see cref="System.Numerics.BigInteger"/>, 9–13x slower).
    /// </summary>
    public static string Backend => BigIntegerBackend.Default.Name;
}
