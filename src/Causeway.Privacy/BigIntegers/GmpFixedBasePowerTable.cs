namespace Causeway.Privacy.BigIntegers;

/// <summary>
/// <see cref="IFixedBasePowerTable"/> on GMP: the table's entries and the modulus stay imported as <c>mpz_t</c>, so one
/// power is ⌈bits/w⌉ − 1 pairs of <c>mpz_mul</c> and <c>mpz_mod</c> and a single export.
/// </summary>
internal sealed unsafe class GmpFixedBasePowerTable : IFixedBasePowerTable
{
    private readonly GmpIntegerArray _entries;
    private readonly GmpInteger _modulus;
    private readonly int _digits;
    private readonly int _perDigit;

    public GmpFixedBasePowerTable(ReadOnlySpan<byte> value, int exponentBits, int window, ReadOnlySpan<byte> modulus)
    {
        ExponentBits = exponentBits;
        Window = window;
        _digits = FixedBaseDigits.Count(exponentBits, window);
        _perDigit = (1 << window) - 1;
        _modulus = new GmpInteger(modulus);
        _entries = new GmpIntegerArray(_digits * _perDigit);
        GmpNative.Mpz product;
        GmpNative.Init(&product);
        try
        {
            GmpInteger.Import(Entry(0, 1), value);
            GmpNative.Mod(Entry(0, 1), Entry(0, 1), _modulus.Pointer);
            for (var i = 0; i < _digits; i++)
            {
                // T[i][d] = T[i][d−1]·T[i][1]; T[i+1][1] = T[i][2^w − 1]·T[i][1] = base^(2^(w·(i+1))).
                for (var d = 2; d <= _perDigit; d++)
                {
                    MultiplyMod(&product, Entry(i, d - 1), Entry(i, 1), Entry(i, d));
                }

                if (i + 1 < _digits)
                {
                    MultiplyMod(&product, Entry(i, _perDigit), Entry(i, 1), Entry(i + 1, 1));
                }
            }
        }
        catch
        {
            Dispose();
            throw;
        }
        finally
        {
            GmpInteger.WipeAndClear(&product);
        }
    }

    public int ExponentBits { get; }

    public int Window { get; }

    public void Power(ReadOnlySpan<byte> exponent, Span<byte> destination)
    {
        FixedBaseDigits.ThrowIfTooLong(exponent, ExponentBits);
        var entriesHeld = false;
        var modulusHeld = false;
        GmpNative.Mpz accumulator, product;
        GmpNative.Init(&accumulator);
        GmpNative.Init(&product);
        try
        {
            _entries.DangerousAddRef(ref entriesHeld);
            _modulus.DangerousAddRef(ref modulusHeld);
            GmpNative.SetUInt(&accumulator, 1);
            var started = false;
            for (var i = 0; i < _digits; i++)
            {
                var digit = FixedBaseDigits.Digit(exponent, Window, i);
                if (digit == 0)
                {
                    continue;
                }

                if (started)
                {
                    MultiplyMod(&product, &accumulator, Entry(i, digit), &accumulator);
                }
                else
                {
                    GmpNative.Set(&accumulator, Entry(i, digit));
                    started = true;
                }
            }

            GmpInteger.Export(&accumulator, destination);
        }
        finally
        {
            GmpInteger.WipeAndClear(&accumulator);
            GmpInteger.WipeAndClear(&product);
            if (entriesHeld)
            {
                _entries.DangerousRelease();
            }

            if (modulusHeld)
            {
                _modulus.DangerousRelease();
            }
        }
    }

    public void Dispose()
    {
        _entries.Dispose();
        _modulus.Dispose();
    }

    /// <summary>T[i][d] = base^(d·2^(w·i)), 1 ≤ d ≤ 2^w − 1.</summary>
    private GmpNative.Mpz* Entry(int index, int digit) => _entries[(index * _perDigit) + digit - 1];

    /// <summary>destination = left·right mod m through <paramref name="product"/> (destination may alias left).</summary>
    private void MultiplyMod(GmpNative.Mpz* product, GmpNative.Mpz* left, GmpNative.Mpz* right, GmpNative.Mpz* destination)
    {
        GmpNative.Multiply(product, left, right);
        GmpNative.Mod(destination, product, _modulus.Pointer);
    }
}
