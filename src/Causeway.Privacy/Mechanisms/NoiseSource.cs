using System.Buffers.Binary;
using System.Security.Cryptography;
using Causeway.Core.Training;

namespace Causeway.Privacy.Mechanisms;

/// <summary>
/// Random bits for DP noise: AES-256 in counter mode keyed by a 32-byte key, which <see cref="Create"/>
/// draws from <see cref="RandomNumberGenerator"/>. <see cref="FromKey"/> exists for reproducible tests
/// and simulations only; noise from a known key protects nothing.
/// </summary>
/// <remarks>
/// Samplers draw doubles from 53-bit uniforms and apply floating-point transforms (Box–Muller, −ln U),
/// so the guarantee is that of the <em>idealised</em> real-valued mechanism, not of the bits released:
/// Mironov 2012 ("On significance of the least significant bits for differential privacy") shows that
/// naive double samplers reach only a sparse, uneven subset of doubles whose pattern shifts with the
/// input, so an observer of the exact output bits can tell neighbouring inputs apart (ε effectively
/// unbounded). Neither the snapping mechanism nor an exact discrete sampler is implemented here;
/// callers that release outputs to untrusted parties should round them to a coarse grid (which narrows
/// but does not provably close the gap) or treat the stated ε as holding for the idealised mechanism.
/// Not thread-safe; one instance per releasing component.
/// </remarks>
public sealed class NoiseSource : IPrivateRandomness, IDisposable
{
    // 16 KiB per AES call: each EncryptEcb call has a fixed cost of microseconds, which at 1 KiB made up more than
    // half the cost of a Gaussian draw (DP-SGD draws one per parameter per step). The key stream is the same.
    private const int BlocksPerRefill = 1024;
    private readonly Aes _aes;
    private readonly byte[] _counter = new byte[16 * BlocksPerRefill];
    private readonly byte[] _stream = new byte[16 * BlocksPerRefill];
    private ulong _nextBlock;
    private int _position = 16 * BlocksPerRefill;

    private NoiseSource(ReadOnlySpan<byte> key)
    {
        _aes = Aes.Create();
        _aes.Key = key.ToArray();
    }

    /// <summary>A source keyed from the operating system's CSPRNG.</summary>
    public static NoiseSource Create()
    {
        Span<byte> key = stackalloc byte[32];
        RandomNumberGenerator.Fill(key);
        var source = new NoiseSource(key);
        CryptographicOperations.ZeroMemory(key);
        return source;
    }

    /// <summary>A reproducible source for tests and simulations; never for noise that protects real data.</summary>
    /// <param name="key">32 bytes.</param>
    public static NoiseSource FromKey(ReadOnlySpan<byte> key)
    {
        if (key.Length != 32)
        {
            throw new ArgumentException("The key must be 32 bytes.", nameof(key));
        }

        return new NoiseSource(key);
    }

    /// <summary>64 uniformly random bits.</summary>
    public ulong NextUInt64()
    {
        if (_position + 8 > _stream.Length)
        {
            Refill();
        }

        var value = BinaryPrimitives.ReadUInt64LittleEndian(_stream.AsSpan(_position));
        _position += 8;
        return value;
    }

    /// <summary>A uniform double in (0, 1]: one of the 2⁵³ multiples of 2⁻⁵³.</summary>
    public double NextUniform() => ((NextUInt64() >> 11) + 1) * (1.0 / (1UL << 53));

    /// <summary>A standard normal draw (Box–Muller on two <see cref="NextUniform"/> values).</summary>
    public double NextStandardNormal()
    {
        var radius = Math.Sqrt(-2 * Math.Log(NextUniform()));
        return radius * Math.Cos(2 * Math.PI * NextUniform());
    }

    /// <summary>Adds N(0, σ²) to every element: DP-SGD's noise (see <see cref="IPrivateRandomness"/>).</summary>
    /// <remarks>
    /// Uses both outputs of each Box–Muller pair (r·cos θ and r·sin θ are independent standard normals), drawn and
    /// scaled in double precision; each element is rounded to float once.
    /// </remarks>
    public void AddGaussianNoise(Span<float> values, double standardDeviation)
    {
        if (!(standardDeviation >= 0) || !double.IsFinite(standardDeviation))
        {
            throw new ArgumentOutOfRangeException(nameof(standardDeviation), standardDeviation, "The standard deviation must be finite and non-negative.");
        }

        var i = 0;
        for (; i + 1 < values.Length; i += 2)
        {
            var radius = standardDeviation * Math.Sqrt(-2 * Math.Log(NextUniform()));
            var (sin, cos) = Math.SinCos(2 * Math.PI * NextUniform());
            values[i] = (float)(values[i] + (radius * cos));
            values[i + 1] = (float)(values[i + 1] + (radius * sin));
        }

        if (i < values.Length)
        {
            values[i] = (float)(values[i] + (standardDeviation * NextStandardNormal()));
        }
    }

    /// <summary>A uniformly random order: DP-SGD's secret batch order (see <see cref="IPrivateRandomness"/>).</summary>
    /// <remarks>Fisher–Yates, each swap index drawn without modulo bias by rejecting the lowest 2⁶⁴ mod (i + 1) draws.</remarks>
    public void Shuffle(Span<int> values)
    {
        for (var i = values.Length - 1; i > 0; i--)
        {
            var bound = (ulong)i + 1;
            var threshold = (0 - bound) % bound;
            ulong draw;
            do
            {
                draw = NextUInt64();
            }
            while (draw < threshold);

            var j = (int)(draw % bound);
            (values[i], values[j]) = (values[j], values[i]);
        }
    }

    /// <summary>A Laplace draw of scale 1: a random sign times an Exp(1) draw −ln U.</summary>
    public double NextStandardLaplace()
    {
        var bits = NextUInt64();
        var magnitude = -Math.Log(((bits >> 11) + 1) * (1.0 / (1UL << 53)));
        return (bits & 1) == 0 ? magnitude : -magnitude;
    }

    public void Dispose() => _aes.Dispose();

    private void Refill()
    {
        for (var block = 0; block < BlocksPerRefill; block++)
        {
            BinaryPrimitives.WriteUInt64LittleEndian(_counter.AsSpan(16 * block), _nextBlock++);
        }

        _aes.EncryptEcb(_counter, _stream, PaddingMode.None);
        _position = 0;
    }
}
