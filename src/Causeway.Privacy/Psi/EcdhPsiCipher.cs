using System.Collections.Concurrent;
using System.Text;

namespace Causeway.Privacy.Psi;

/// <summary>
/// The commutative encryption of ECDH-PSI on P-256 through libcrypto: E_k(x) = k · H(salt ‖ x) with H the RFC 9380
/// hash-to-curve (P256_XMD:SHA-256_SSWU_RO_), and E_k(P) = k · P for a peer's point, so that
/// E_a(E_b(H(x))) = E_b(E_a(H(x))) = ab · H(x). Points travel uncompressed (<see cref="PointBytes"/> each, packed back to
/// back): decoding a compressed point costs a modular square root, about half a scalar multiplication, while an
/// uncompressed one is only checked to lie on the curve. Double-encrypted points are compared as
/// <see cref="TagBytes"/>-byte tags (see <see cref="EncryptToTags"/>).
/// </summary>
/// <remarks>
/// Batches are split across <see cref="DegreeOfParallelism"/> threads, each with its own libcrypto context; the
/// <c>EC_GROUP</c> is shared read-only. IDs are expected already normalised (<see cref="PsiIdNormalizer"/>).
/// H is never x·G: its discrete logarithm would be public and a peer could test guesses offline.
/// </remarks>
public sealed class EcdhPsiCipher : IDisposable
{
    /// <summary>Bytes of an uncompressed P-256 point (0x04 ‖ x ‖ y, SEC 1 §2.3.3).</summary>
    public const int PointBytes = 65;

    /// <summary>
    /// Bytes of a comparison tag: the first 16 bytes of x of a double-encrypted point. For n and m IDs the probability
    /// that two different IDs produce equal tags is at most n·m / 2^128 (about 3·10^-25 for 10^7 × 10^7), since x of ab·H
    /// is indistinguishable from uniform; tags are never multiplied further, so they need not be points.
    /// </summary>
    public const int TagBytes = 16;

    /// <summary>The domain separation tag of Causeway's PSI hash (RFC 9380 §3.1: application, version, suite).</summary>
    public static readonly byte[] DomainSeparationTag = "CAUSEWAY-PSI-V01-CS02-with-P256_XMD:SHA-256_SSWU_RO_"u8.ToArray();

    /// <summary>Bytes of the session salt, prepended to every ID before hashing.</summary>
    public const int SaltBytes = 32;

    private const int MinimumChunk = 256;
    private readonly P256Group _group = new();
    private readonly byte[] _scalar;
    private readonly byte[] _salt;
    private readonly byte[] _dst;

    /// <summary>A cipher for one party in one session.</summary>
    /// <param name="key">The party's secret scalar (copied; the caller still owns and disposes it).</param>
    /// <param name="sessionSalt">The session's agreed <see cref="SaltBytes"/>-byte salt: the same ID hashes to unrelated points in different sessions.</param>
    /// <param name="degreeOfParallelism">Threads for batch work; defaults to the processor count.</param>
    public EcdhPsiCipher(PsiKey key, ReadOnlySpan<byte> sessionSalt, int? degreeOfParallelism = null)
        : this(key, sessionSalt, DomainSeparationTag, degreeOfParallelism)
    {
    }

    internal EcdhPsiCipher(PsiKey key, ReadOnlySpan<byte> sessionSalt, ReadOnlySpan<byte> dst, int? degreeOfParallelism)
    {
        ArgumentNullException.ThrowIfNull(key);
        if (sessionSalt.Length != SaltBytes && !sessionSalt.IsEmpty)
        {
            throw new ArgumentException($"The session salt must be {SaltBytes} bytes.", nameof(sessionSalt));
        }

        DegreeOfParallelism = degreeOfParallelism ?? Environment.ProcessorCount;
        ArgumentOutOfRangeException.ThrowIfLessThan(DegreeOfParallelism, 1, nameof(degreeOfParallelism));
        _scalar = key.Scalar.ToArray();
        _salt = sessionSalt.ToArray();
        _dst = dst.ToArray();
    }

    /// <summary>Threads a batch is split across.</summary>
    public int DegreeOfParallelism { get; }

    /// <summary>
    /// Effectively computes <c>destination[i] = k · H(salt ‖ UTF-8(ids[i]))</c>, <see cref="PointBytes"/> bytes per ID.
    /// </summary>
    public void HashAndEncrypt(IReadOnlyList<string> ids, Memory<byte> destination)
    {
        ArgumentNullException.ThrowIfNull(ids);
        ArgumentOutOfRangeException.ThrowIfLessThan(destination.Length, ids.Count * PointBytes, nameof(destination));
        ForEachChunk(ids.Count, (worker, from, to) =>
        {
            var span = destination.Span;
            var utf8 = new byte[256];
            for (var i = from; i < to; i++)
            {
                var id = ids[i];
                var length = Encoding.UTF8.GetByteCount(id);
                if (length > utf8.Length)
                {
                    utf8 = new byte[length];
                }

                Encoding.UTF8.GetBytes(id, utf8);
                worker.HashAndMultiply(_salt, utf8.AsSpan(0, length), span.Slice(i * PointBytes, PointBytes));
            }
        });
    }

    /// <summary>
    /// Effectively computes <c>destination[i] = k · points[i]</c> for a peer's packed points (the
    /// second encryption when the result goes back to a peer that multiplies again).
    /// </summary>
    /// <exception cref="InvalidPeerPointException">A point is not an uncompressed point on P-256 (names its index).</exception>
    public void Encrypt(ReadOnlyMemory<byte> points, Memory<byte> destination) => Multiply(points, destination, PointBytes);

    /// <summary>
    /// Effectively computes <c>tags[i] = x(k · points[i])[0..16)</c>: the second encryption, reduced to a comparison tag.
    /// </summary>
    /// <exception cref="InvalidPeerPointException">A point is not an uncompressed point on P-256 (names its index).</exception>
    public void EncryptToTags(ReadOnlyMemory<byte> points, Memory<byte> tags) => Multiply(points, tags, TagBytes);

    /// <summary>
    /// Raw variable-base multiplications k·P through <c>EC_POINT_mul</c> on the calling thread (one core, no encoding or
    /// decoding), for benchmarks: returns how many ran in <paramref name="duration"/>.
    /// </summary>
    public long MeasureMultiplications(TimeSpan duration)
    {
        const int Burst = 64;
        using var worker = NewWorker();
        worker.PrepareRawMultiply(_salt);
        var count = 0L;
        var start = System.Diagnostics.Stopwatch.GetTimestamp();
        while (System.Diagnostics.Stopwatch.GetElapsedTime(start) < duration)
        {
            worker.RawMultiply(Burst);
            count += Burst;
        }

        return count;
    }

    public void Dispose()
    {
        Array.Clear(_scalar);
        _group.Dispose();
    }

    internal P256Worker NewWorker() => new(_group, _scalar, _dst);

    private void Multiply(ReadOnlyMemory<byte> points, Memory<byte> destination, int outputBytes)
    {
        if (points.Length % PointBytes != 0)
        {
            throw new InvalidPeerPointException($"A batch of points is {points.Length} bytes, not a multiple of {PointBytes}.", -1);
        }

        var count = points.Length / PointBytes;
        ArgumentOutOfRangeException.ThrowIfLessThan(destination.Length, count * outputBytes, nameof(destination));
        ForEachChunk(count, (worker, from, to) =>
        {
            var input = points.Span;
            var output = destination.Span;
            Span<byte> point = stackalloc byte[PointBytes];
            for (var i = from; i < to; i++)
            {
                if (!worker.TryMultiply(input.Slice(i * PointBytes, PointBytes), point))
                {
                    throw new InvalidPeerPointException($"Point {i} of the batch is not an uncompressed point on P-256.", i);
                }

                // x starts after the one-byte prefix.
                point.Slice(outputBytes == PointBytes ? 0 : 1, outputBytes).CopyTo(output.Slice(i * outputBytes, outputBytes));
            }
        });
    }

    private void ForEachChunk(int count, Action<P256Worker, int, int> body)
    {
        if (count == 0)
        {
            return;
        }

        if (DegreeOfParallelism == 1 || count <= MinimumChunk)
        {
            using var worker = NewWorker();
            body(worker, 0, count);
            return;
        }

        // Several chunks per thread, so a thread the OS deschedules does not leave the others idle at the end.
        var chunk = Math.Max(MinimumChunk, count / (8 * DegreeOfParallelism));
        try
        {
            RunChunks(count, chunk, body);
        }
        catch (AggregateException error) when (error.InnerExceptions.OfType<InvalidPeerPointException>().Any())
        {
            // The peer's fault, not ours: surface it as thrown on one thread (the lowest index when several chunks saw one).
            throw error.InnerExceptions.OfType<InvalidPeerPointException>().MinBy(e => e.Index)!;
        }
    }

    private void RunChunks(int count, int chunk, Action<P256Worker, int, int> body) =>
        Parallel.ForEach(
            Partitioner.Create(0, count, chunk),
            new ParallelOptions { MaxDegreeOfParallelism = DegreeOfParallelism },
            NewWorker,
            (range, _, worker) =>
            {
                body(worker, range.Item1, range.Item2);
                return worker;
            },
            worker => worker.Dispose());
}
