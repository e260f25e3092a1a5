using System.Numerics;

namespace Causeway.Privacy.BigIntegers;

/// <summary><see cref="IMultiExponentiation"/> on <see cref="BigInteger"/> (the fallback without GMP).</summary>
internal sealed class ManagedMultiExponentiation : IMultiExponentiation
{
    private readonly BigInteger[] _bases;
    private readonly BigInteger _modulus;
    private readonly BigInteger[] _inverseProductPowers = new BigInteger[64];

    public ManagedMultiExponentiation(IReadOnlyList<ReadOnlyMemory<byte>> bases, ReadOnlySpan<byte> modulus)
    {
        _modulus = ManagedBigIntegerBackend.Read(modulus);
        _bases = new BigInteger[bases.Count];
        var product = BigInteger.One;
        for (var i = 0; i < _bases.Length; i++)
        {
            _bases[i] = ManagedBigIntegerBackend.Read(bases[i].Span);
            product = product * _bases[i] % _modulus;
        }

        var inverse = ManagedBigIntegerBackend.ModInverse(product, _modulus) ?? throw new ArgumentException("A base is not invertible modulo m.", nameof(bases));
        for (var t = 0; t < 64; t++)
        {
            _inverseProductPowers[t] = inverse;
            inverse = inverse * inverse % _modulus;
        }
    }

    public int Count => _bases.Length;

    public void Compute(ReadOnlySpan<long> exponents, Span<byte> destination)
    {
        ArgumentOutOfRangeException.ThrowIfNotEqual(exponents.Length, Count, nameof(exponents));
        if (MultiExponentiationPlan.For(exponents, Count) is not { } plan)
        {
            ManagedBigIntegerBackend.Write(BigInteger.One, destination);
            return;
        }

        var digitMask = (1UL << plan.Window) - 1;
        var buckets = new BigInteger?[1 << plan.Window];
        BigInteger? accumulator = null;
        for (var position = plan.Positions - 1; position >= 0; position--)
        {
            for (var s = 0; accumulator is { } a && s < plan.Window; s++)
            {
                accumulator = a * a % _modulus;
            }

            Array.Clear(buckets);
            var shift = position * plan.Window;
            for (var i = 0; i < _bases.Length; i++)
            {
                var digit = (int)((plan.Offset(exponents[i]) >> shift) & digitMask);
                if (digit != 0)
                {
                    buckets[digit] = buckets[digit] is { } bucket ? bucket * _bases[i] % _modulus : _bases[i];
                }
            }

            // Π_d B_d^d = Π_d running_d with running_d = Π_{e ≥ d} B_e.
            BigInteger? running = null;
            BigInteger? total = null;
            for (var d = buckets.Length - 1; d >= 1; d--)
            {
                if (buckets[d] is { } bucket)
                {
                    running = running is { } r ? r * bucket % _modulus : bucket;
                }

                if (running is { } current)
                {
                    total = total is { } t ? t * current % _modulus : current;
                }
            }

            if (total is { } sum)
            {
                accumulator = accumulator is { } a ? a * sum % _modulus : sum;
            }
        }

        ManagedBigIntegerBackend.Write(accumulator!.Value * _inverseProductPowers[plan.OffsetBits] % _modulus, destination);
    }

    public void Dispose()
    {
    }
}
