using System.Numerics;

namespace Causeway.Privacy.Paillier;

/// <summary>
/// Fixed-point encoding of signed reals as Paillier plaintexts, and packing of several values into one plaintext.
/// Defaults: 32 fractional bits (resolution 2^-32 ≈ 2.3e-10), 14 integer bits (|x| &lt; 16384), 16 headroom bits
/// (up to 65,536 summands), hence 64-bit slots: 31 values per ciphertext under a 2048-bit key, 47 under 3072 bits.
/// </summary>
/// <remarks>
/// <para>
/// A value x becomes the integer v = round(x · 2^F) (ties to even), with |x| &lt; 2^I required, so |v| &lt; 2^(I+F).
/// A sum of at most 2^H such values has |Σv| &lt; 2^(I+F+H). A slot is S = I + F + H + 2 bits: a sign bit and a
/// guard bit on top, so a sum that exceeds the capacity (by less than a factor 2) is detected on decryption instead of
/// silently corrupting the neighbouring slot.
/// </para>
/// <para>
/// Packing k values: X = Σᵢ vᵢ · 2^(S·i), a signed integer with |X| &lt; 2^(S·k − 1) &lt; n/2 (k = ⌊(bits(n) − 2)/S⌋), and the
/// plaintext is X mod n, i.e. n − |X| when X &lt; 0. Because the packing is linear, adding ciphertexts adds every slot.
/// Decryption maps m &gt; n/2 back to m − n and peels the slots off from the low end as signed S-bit numbers; a slot
/// beyond ±2^(I+F+H), or bits left above the last slot, raise an <see cref="OverflowException"/>.
/// </para>
/// </remarks>
public sealed record FixedPointEncoding
{
    /// <summary>The default: F = 32, I = 14, H = 16 (64-bit slots).</summary>
    public static FixedPointEncoding Default { get; } = new();

    /// <summary>F: bits after the binary point (scale 2^F). Default 32.</summary>
    public int FractionalBits { get; init; } = 32;

    /// <summary>I: bits before the binary point; inputs must satisfy |x| &lt; 2^I. Default 14.</summary>
    public int IntegerBits { get; init; } = 14;

    /// <summary>H: headroom; at most 2^H values may be summed into one slot. Default 16.</summary>
    public int HeadroomBits { get; init; } = 16;

    /// <summary>S = I + F + H + 2 (sign and guard bits); at most 64.</summary>
    public int SlotBits => IntegerBits + FractionalBits + HeadroomBits + 2;

    /// <summary>The exclusive bound 2^I on the magnitude of an input value.</summary>
    public double MaxMagnitude => Math.ScaleB(1.0, IntegerBits);

    /// <summary>The exclusive bound 2^(I+H) on the magnitude of a decrypted sum.</summary>
    public double MaxSumMagnitude => Math.ScaleB(1.0, IntegerBits + HeadroomBits);

    /// <summary>2^H: how many encoded values (ciphertexts, or plaintexts added) one slot can sum.</summary>
    public long MaxSummands => 1L << HeadroomBits;

    /// <summary>2^-F: the step between representable values.</summary>
    public double Resolution => Math.ScaleB(1.0, -FractionalBits);

    /// <summary>Values packed into one ciphertext under <paramref name="publicKey"/>: ⌊(bits(n) − 2)/S⌋.</summary>
    public int SlotsPerCiphertext(PaillierPublicKey publicKey)
    {
        ArgumentNullException.ThrowIfNull(publicKey);
        Validate();
        return (publicKey.Bits - 2) / SlotBits;
    }

    /// <summary>v = round(x · 2^F).</summary>
    /// <exception cref="ArgumentOutOfRangeException">x is not finite or |x| ≥ 2^I.</exception>
    /// <exception cref="ArgumentException">The encoding's bit counts are invalid (S &gt; 64, F &gt; 52 or negative).</exception>
    public long Encode(double value)
    {
        Validate();
        if (!double.IsFinite(value))
        {
            throw new ArgumentOutOfRangeException(nameof(value), value, "Only finite values can be encoded.");
        }

        var scaled = Math.Round(Math.ScaleB(value, FractionalBits), MidpointRounding.ToEven);
        if (Math.Abs(scaled) >= Math.ScaleB(1.0, IntegerBits + FractionalBits))
        {
            throw new ArgumentOutOfRangeException(nameof(value), value, $"The fixed-point encoding holds |x| < 2^{IntegerBits} = {MaxMagnitude}.");
        }

        return (long)scaled;
    }

    /// <summary>x = Σv · 2^-F for a decrypted slot.</summary>
    /// <exception cref="OverflowException">|Σv| ≥ 2^(I+F+H): more than 2^H summands, or a wrong key or encoding.</exception>
    public double Decode(long sum)
    {
        Validate();
        var bound = 1L << (IntegerBits + FractionalBits + HeadroomBits);
        if (sum >= bound || sum <= -bound)
        {
            throw new OverflowException(
                $"A decrypted fixed-point value is beyond the encodable range ±2^{IntegerBits + HeadroomBits} (±{MaxSumMagnitude}): more than {MaxSummands} summands, values out of range, or a ciphertext under another key or encoding.");
        }

        return Math.ScaleB(sum, -FractionalBits);
    }

    /// <summary>X = Σᵢ vᵢ · 2^(S·i) reduced into [0, n) (negative X as n − |X|).</summary>
    internal BigInteger Pack(ReadOnlySpan<long> encoded, BigInteger modulus)
    {
        var packed = BigInteger.Zero;
        for (var i = encoded.Length - 1; i >= 0; i--)
        {
            packed = (packed << SlotBits) + encoded[i];
        }

        return packed.Sign < 0 ? modulus + packed : packed;
    }

    /// <summary>The inverse of <see cref="Pack"/> for sums: signed slots peeled off the low end, each checked against the capacity.</summary>
    internal void Unpack(BigInteger plaintext, BigInteger modulus, Span<long> destination)
    {
        var packed = plaintext > modulus >> 1 ? plaintext - modulus : plaintext;
        var mask = (BigInteger.One << SlotBits) - 1;
        var bound = 1L << (IntegerBits + FractionalBits + HeadroomBits);
        for (var i = 0; i < destination.Length; i++)
        {
            // Two's complement of the low S bits, sign-extended: the slot as a signed S-bit number.
            var low = (ulong)(packed & mask);
            var slot = SlotBits == 64 ? (long)low : ((long)(low << (64 - SlotBits))) >> (64 - SlotBits);
            if (slot >= bound || slot <= -bound)
            {
                throw Overflow();
            }

            destination[i] = slot;
            packed = (packed - slot) >> SlotBits;
        }

        if (!packed.IsZero)
        {
            throw Overflow();
        }

        OverflowException Overflow() => new(
            $"A decrypted packed plaintext does not decode: a slot is beyond the encodable range ±2^{IntegerBits + HeadroomBits} (±{MaxSumMagnitude}). More than {MaxSummands} summands, values out of range, or a ciphertext under another key or encoding.");
    }

    internal void Validate()
    {
        if (FractionalBits < 0 || IntegerBits < 0 || HeadroomBits < 0 || FractionalBits > 52 || SlotBits > 64)
        {
            throw new ArgumentException(
                $"A fixed-point encoding needs non-negative bit counts, F ≤ 52 and I + F + H + 2 ≤ 64; got F = {FractionalBits}, I = {IntegerBits}, H = {HeadroomBits}.");
        }
    }
}
