using System.Numerics;

namespace Causeway.Privacy.BigIntegers;

/// <summary><see cref="IFixedBasePowerTable"/> on <see cref="BigInteger"/> (the fallback without GMP).</summary>
internal sealed class ManagedFixedBasePowerTable : IFixedBasePowerTable
{
    private readonly BigInteger[] _entries;
    private readonly BigInteger _modulus;
    private readonly int _digits;
    private readonly int _perDigit;

    public ManagedFixedBasePowerTable(ReadOnlySpan<byte> value, int exponentBits, int window, ReadOnlySpan<byte> modulus)
    {
        ExponentBits = exponentBits;
        Window = window;
        _digits = FixedBaseDigits.Count(exponentBits, window);
        _perDigit = (1 << window) - 1;
        _modulus = ManagedBigIntegerBackend.Read(modulus);
        _entries = new BigInteger[_digits * _perDigit];
        _entries[0] = ManagedBigIntegerBackend.Read(value) % _modulus;
        for (var i = 0; i < _digits; i++)
        {
            var first = _entries[i * _perDigit];
            for (var d = 2; d <= _perDigit; d++)
            {
                _entries[(i * _perDigit) + d - 1] = _entries[(i * _perDigit) + d - 2] * first % _modulus;
            }

            if (i + 1 < _digits)
            {
                _entries[(i + 1) * _perDigit] = _entries[(i * _perDigit) + _perDigit - 1] * first % _modulus;
            }
        }
    }

    public int ExponentBits { get; }

    public int Window { get; }

    public void Power(ReadOnlySpan<byte> exponent, Span<byte> destination)
    {
        FixedBaseDigits.ThrowIfTooLong(exponent, ExponentBits);
        var accumulator = BigInteger.One;
        for (var i = 0; i < _digits; i++)
        {
            var digit = FixedBaseDigits.Digit(exponent, Window, i);
            if (digit != 0)
            {
                accumulator = accumulator * _entries[(i * _perDigit) + digit - 1] % _modulus;
            }
        }

        ManagedBigIntegerBackend.Write(accumulator, destination);
    }

    public void Dispose()
    {
    }
}
