using System.Diagnostics;

namespace Causeway.Privacy.SecureAggregation;

/// <summary>
/// Fixed-point encoding of float vectors into the ring Z_2^32, where masks are added and cancel exactly.
/// </summary>
/// <remarks>
/// <para>
/// Encode: q = round(clamp(v, −<see cref="ClipBound"/>, +<see cref="ClipBound"/>) × <see cref="Scale"/>), stored as the
/// two's-complement uint32 of q (so q mod 2^32). Sums are computed mod 2^32; decode reads the sum as a signed int32 and
/// divides by <see cref="Scale"/>.
/// </para>
/// <para>
/// Overflow bound: each |q| ≤ ⌈ClipBound × Scale⌉, so a sum of N encodings is recovered exactly as a signed value when
/// N × ⌈ClipBound × Scale⌉ &lt; 2^31 (half the ring). <see cref="OverflowError"/> checks this at configuration time.
/// Rounding error of a decoded sum: at most N / (2 × Scale) per coordinate (plus float32 clipping of the inputs).
/// </para>
/// </remarks>
/// <param name="Scale">Fixed-point scale (units per 1.0), e.g. 2^16; positive and finite.</param>
/// <param name="ClipBound">Inputs are clipped to [−ClipBound, +ClipBound] before encoding; positive and finite.</param>
public sealed record FixedPointQuantization(double Scale, double ClipBound)
{
    /// <summary>Half the ring Z_2^32: sums must stay strictly inside (−2^31, 2^31).</summary>
    public const double HalfRing = 2147483648.0;

    /// <summary>2^16 units per 1.0, clipping at ±1: exact for up to 32,767 parties, resolution 1.5e-5.</summary>
    public static FixedPointQuantization Default { get; } = new(65536, 1);

    /// <summary>The largest |q| one party can contribute: ⌈ClipBound × Scale⌉.</summary>
    public double MaxUnits => Math.Ceiling(ClipBound * Scale);

    /// <summary>Why <paramref name="parties"/> encodings could overflow half the ring, or null when they cannot.</summary>
    public string? OverflowError(int parties)
    {
        if (!double.IsFinite(Scale) || Scale <= 0 || !double.IsFinite(ClipBound) || ClipBound <= 0)
        {
            return $"the quantization scale ({Scale}) and clip bound ({ClipBound}) must be positive and finite.";
        }

        var worst = parties * MaxUnits;
        return worst < HalfRing
            ? null
            : $"overflow: parties ({parties}) × clip bound ({ClipBound}) × scale ({Scale}) = {worst:E3} must stay below half the ring Z_2^32 (2^31 = {HalfRing:E3}); lower the scale or the clip bound.";
    }

    /// <summary>Encodes <paramref name="values"/> into <paramref name="destination"/>: destination[i] = round(clamp(values[i]) × Scale) mod 2^32.</summary>
    public void Quantize(ReadOnlySpan<float> values, Span<uint> destination)
    {
        ArgumentOutOfRangeException.ThrowIfNotEqual(destination.Length, values.Length, nameof(destination));
        var scale = Scale;
        var clip = ClipBound;
        for (var i = 0; i < values.Length; i++)
        {
            var v = values[i];
            // NaN clips to 0: a broken input must not poison the ring sum with an undefined conversion.
            var clamped = double.IsNaN(v) ? 0 : Math.Clamp(v, -clip, clip);
            destination[i] = unchecked((uint)(int)Math.Round(clamped * scale, MidpointRounding.ToEven));
        }
    }

    /// <summary>Decodes a ring sum: destination[i] = (int32)sum[i] / Scale.</summary>
    public void Dequantize(ReadOnlySpan<uint> sum, Span<double> destination)
    {
        ArgumentOutOfRangeException.ThrowIfNotEqual(destination.Length, sum.Length, nameof(destination));
        Debug.Assert(Scale > 0);
        var inverse = 1.0 / Scale;
        for (var i = 0; i < sum.Length; i++)
        {
            destination[i] = unchecked((int)sum[i]) * inverse;
        }
    }
}
