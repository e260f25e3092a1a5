namespace Causeway.Privacy.BigIntegers;

/// <summary>
/// Πᵢ bᵢ^kᵢ mod m for bases bᵢ fixed at creation (units mod m) and signed 64-bit exponents given per call, by
/// Pippenger's bucket method on offset exponents. Safe to call from several threads at once.
/// </summary>
/// <remarks>
/// <para>
/// Negative exponents without an inverse per base: with K = 2^t the least power of two above max|kᵢ|,
/// Πᵢ bᵢ^kᵢ = Πᵢ bᵢ^(kᵢ+K) · P^(−K) for P = Πᵢ bᵢ, and every kᵢ + K lies in [1, 2K), t + 1 bits. P^(−2^t) for
/// t = 0..63 is computed once at creation (N multiplications, one inversion, 63 squarings).
/// </para>
/// <para>
/// Bucket method with w-bit digits over the t + 1 bits: per digit position each base is multiplied into the bucket of
/// its digit, and the buckets combine as Π_d B_d^d with two running products; total ⌈(t+1)/w⌉·(N + 2^(w+1)) + t
/// multiplications, w chosen to minimise it (w = 9 for N = 2,048 and 18-bit offsets: about 6,100).
/// </para>
/// </remarks>
internal interface IMultiExponentiation : IDisposable
{
    /// <summary>How many bases.</summary>
    int Count { get; }

    /// <summary>destination = Πᵢ bᵢ^kᵢ mod m; <paramref name="exponents"/> has <see cref="Count"/> values, none <see cref="long.MinValue"/>.</summary>
    void Compute(ReadOnlySpan<long> exponents, Span<byte> destination);
}
