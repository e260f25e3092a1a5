namespace Causeway.Privacy.BigIntegers;

/// <summary>The big-integer operations on GMP: operands imported per call (cheap next to a 2048/4096-bit powm).</summary>
internal sealed unsafe class GmpBigIntegerBackend : BigIntegerBackend
{
    public override string Name => "gmp";

    public override void ModPow(ReadOnlySpan<byte> value, ReadOnlySpan<byte> exponent, ReadOnlySpan<byte> modulus, Span<byte> destination, bool secretExponent = false)
    {
        using var b = new GmpInteger(value);
        using var e = new GmpInteger(exponent);
        using var m = new GmpInteger(modulus);
        using var r = new GmpInteger();
        if (secretExponent && !e.IsZero && (modulus.Length > 0 && (modulus[^1] & 1) == 1))
        {
            GmpNative.PowModSecure(r.Pointer, b.Pointer, e.Pointer, m.Pointer);
        }
        else
        {
            GmpNative.PowMod(r.Pointer, b.Pointer, e.Pointer, m.Pointer);
        }

        r.Export(destination);
    }

    public override void ModMultiply(ReadOnlySpan<byte> left, ReadOnlySpan<byte> right, ReadOnlySpan<byte> modulus, Span<byte> destination)
    {
        // The hot path of homomorphic addition: stack mpz_t temporaries (no handle objects), limbs still wiped.
        GmpNative.Mpz a, b, m, r;
        GmpNative.Init(&a);
        GmpNative.Init(&b);
        GmpNative.Init(&m);
        GmpNative.Init(&r);
        try
        {
            GmpInteger.Import(&a, left);
            GmpInteger.Import(&b, right);
            GmpInteger.Import(&m, modulus);
            GmpNative.Multiply(&r, &a, &b);
            GmpNative.Mod(&r, &r, &m);
            GmpInteger.Export(&r, destination);
        }
        finally
        {
            GmpInteger.WipeAndClear(&a);
            GmpInteger.WipeAndClear(&b);
            GmpInteger.WipeAndClear(&m);
            GmpInteger.WipeAndClear(&r);
        }
    }

    public override bool TryModInverse(ReadOnlySpan<byte> value, ReadOnlySpan<byte> modulus, Span<byte> destination)
    {
        using var a = new GmpInteger(value);
        using var m = new GmpInteger(modulus);
        using var r = new GmpInteger();
        if (GmpNative.Invert(r.Pointer, a.Pointer, m.Pointer) == 0)
        {
            return false;
        }

        r.Export(destination);
        return true;
    }

    public override bool AreCoprime(ReadOnlySpan<byte> left, ReadOnlySpan<byte> right)
    {
        using var a = new GmpInteger(left);
        using var b = new GmpInteger(right);
        using var r = new GmpInteger();
        GmpNative.Gcd(r.Pointer, a.Pointer, b.Pointer);
        return GmpNative.CompareToUInt(r.Pointer, 1) == 0;
    }

    public override bool IsProbablePrime(ReadOnlySpan<byte> candidate, int rounds)
    {
        using var n = new GmpInteger(candidate);

        // GMP 6.2+: trial division, a Baillie-PSW test, then rounds - 24 Miller-Rabin rounds (its random bases come from a
        // fixed-seed generator, which is fine here: the candidate, not the bases, is the secret).
        return GmpNative.ProbablyPrime(n.Pointer, rounds) > 0;
    }

    protected override IFixedBasePowerTable CreateFixedBasePowerTableCore(ReadOnlySpan<byte> value, int exponentBits, int window, ReadOnlySpan<byte> modulus) =>
        new GmpFixedBasePowerTable(value, exponentBits, window, modulus);

    public override IMultiExponentiation CreateMultiExponentiation(IReadOnlyList<ReadOnlyMemory<byte>> bases, ReadOnlySpan<byte> modulus) =>
        new GmpMultiExponentiation(bases, modulus);

    public override IModPowKernel CreateModPowKernel(ReadOnlySpan<byte> value, ReadOnlySpan<byte> exponent, ReadOnlySpan<byte> modulus) =>
        new Kernel(value, exponent, modulus);

    private sealed class Kernel(ReadOnlySpan<byte> value, ReadOnlySpan<byte> exponent, ReadOnlySpan<byte> modulus) : IModPowKernel
    {
        private readonly GmpInteger _value = new(value);
        private readonly GmpInteger _exponent = new(exponent);
        private readonly GmpInteger _modulus = new(modulus);
        private readonly GmpInteger _result = new();

        public void Compute() => GmpNative.PowMod(_result.Pointer, _value.Pointer, _exponent.Pointer, _modulus.Pointer);

        public void Dispose()
        {
            _value.Dispose();
            _exponent.Dispose();
            _modulus.Dispose();
            _result.Dispose();
        }
    }
}
