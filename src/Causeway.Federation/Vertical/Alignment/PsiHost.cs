using System.Buffers.Binary;
using Causeway.Privacy.Psi;

namespace Causeway.Federation.Vertical.Alignment;

/// <summary>
/// The host (feature holder) side of two-party ECDH-PSI with the guest, transport-free: it answers the guest's point
/// batches with double-encrypted tags, streams its own single-encrypted points, and reads the guest's result message.
/// </summary>
/// <remarks>
/// What the host sees: E_g(H(g_i)) for every guest ID — points under the guest's secret key, unlinkable to any ID the host
/// can hash (computational Diffie-Hellman) — and then the result its mode allows. Resumable: a host rebuilt from
/// <see cref="State"/> answers re-sent guest batches and re-sends its own from the first unacknowledged batch, with the
/// same key, so every value equals the one it would have sent. In <see cref="AlignmentMode.CardinalityOnly"/> mode the
/// host keeps the guest's tags in memory until it has them all (to sort them), so a resumed host restarts that stream.
/// </remarks>
public sealed class PsiHost : IDisposable
{
    private readonly AlignmentSettings _settings;
    private readonly PsiKey _key;
    private readonly EcdhPsiCipher _cipher;
    private readonly PsiIdReader _reader;
    private readonly List<byte[]> _pendingTags = [];
    private List<int>? _rows;
    private long _ids = -1;
    private long _intersection;

    /// <summary>A host for one session.</summary>
    /// <param name="settings">The session's agreed settings.</param>
    /// <param name="state">A new state (<see cref="NewState"/>) or one persisted from an interrupted run.</param>
    /// <param name="ids">The host's IDs, one per row; enumerated again on resume, so it must be re-readable (e.g. <see cref="File.ReadLines(string)"/>).</param>
    /// <param name="degreeOfParallelism">Threads for curve work; defaults to the processor count.</param>
    public PsiHost(AlignmentSettings settings, PsiHostState state, IEnumerable<string> ids, int? degreeOfParallelism = null)
    {
        ArgumentNullException.ThrowIfNull(settings);
        ArgumentNullException.ThrowIfNull(state);
        ArgumentNullException.ThrowIfNull(ids);
        settings.Validate();
        _settings = settings;
        State = state;
        _key = PsiKey.FromBytes(state.Key);
        _cipher = new EcdhPsiCipher(_key, settings.SessionSalt, degreeOfParallelism);
        _reader = new PsiIdReader(settings, ids);
    }

    /// <summary>The progress to persist after each message (see <see cref="PsiHostState"/>).</summary>
    public PsiHostState State { get; private set; }

    /// <summary>A fresh state with a new secret key.</summary>
    public static PsiHostState NewState()
    {
        using var key = PsiKey.Generate();
        var bytes = new byte[PsiKey.Bytes];
        key.CopyTo(bytes);
        return new PsiHostState(bytes);
    }

    /// <summary>
    /// Answers GuestPoints batch <c>b</c> with GuestTags batch <c>b</c> (tags of k_h·P for each point, in order). In
    /// cardinality mode it answers nothing until the last batch, then returns all tags sorted, in batches.
    /// </summary>
    /// <exception cref="AlignmentProtocolException">The batch is of another stream or out of order.</exception>
    /// <exception cref="InvalidPeerPointException">A point is not on P-256.</exception>
    public IReadOnlyList<PsiBatch> AcceptGuestPoints(PsiBatch batch)
    {
        ArgumentNullException.ThrowIfNull(batch);
        Expect(batch, PsiStream.GuestPoints, State.GuestBatchesAnswered);
        var count = batch.Payload.Length / EcdhPsiCipher.PointBytes;
        var tags = new byte[count * EcdhPsiCipher.TagBytes];
        _cipher.EncryptToTags(batch.Payload, tags);
        State = State with { GuestBatchesAnswered = batch.Index + 1 };
        if (_settings.Mode != AlignmentMode.CardinalityOnly)
        {
            return [new PsiBatch(PsiStream.GuestTags, batch.Index, batch.IsLast, tags)];
        }

        _pendingTags.Add(tags);
        return batch.IsLast ? SortedBatches(PsiStream.GuestTags, _pendingTags, EcdhPsiCipher.TagBytes, keyOffset: 0) : [];
    }

    /// <summary>
    /// The host's own points E_h(H(h_j)), batch by batch from the first unacknowledged one (all at once, sorted, in
    /// cardinality mode). Enumerate once per connection; each batch is computed when it is requested.
    /// </summary>
    public IEnumerable<PsiBatch> HostPoints()
    {
        var from = _settings.Mode == AlignmentMode.CardinalityOnly ? 0 : State.HostBatchesAcknowledged;
        var rows = new List<int>();
        var all = new List<byte[]>();
        foreach (var batch in _reader.Read(from))
        {
            rows.AddRange(batch.Rows.AsSpan(0, batch.Count));
            if (batch.Skipped)
            {
                continue;
            }

            var points = new byte[batch.Count * EcdhPsiCipher.PointBytes];
            _cipher.HashAndEncrypt(batch.Values, points);
            if (_settings.Mode == AlignmentMode.CardinalityOnly)
            {
                all.Add(points);
                continue;
            }

            if (batch.IsLast)
            {
                Complete(rows);
            }

            yield return new PsiBatch(PsiStream.HostPoints, batch.Index, batch.IsLast, points);
        }

        if (_settings.Mode == AlignmentMode.CardinalityOnly)
        {
            Complete(rows);
            foreach (var sorted in SortedBatches(PsiStream.HostPoints, all, EcdhPsiCipher.PointBytes, keyOffset: 1))
            {
                yield return sorted;
            }
        }
    }

    /// <summary>Records that the guest processed HostPoints batch <paramref name="index"/>.</summary>
    public void AcknowledgeHostPoints(int index)
    {
        if (index >= State.HostBatchesAcknowledged)
        {
            State = State with { HostBatchesAcknowledged = index + 1 };
        }
    }

    /// <summary>
    /// Reads one Result batch from the guest; returns the outcome after the last one. In reveal-to-all mode each matched
    /// row (zero-based input row) is written to <paramref name="intersection"/>, one per line, ascending.
    /// </summary>
    /// <exception cref="AlignmentProtocolException">The batch is malformed or names a position the host does not have.</exception>
    public HostAlignmentResult? AcceptResult(PsiBatch batch, TextWriter? intersection)
    {
        ArgumentNullException.ThrowIfNull(batch);
        if (batch.Stream != PsiStream.Result)
        {
            throw new AlignmentProtocolException($"Expected a {PsiStream.Result} batch, got {batch.Stream}.");
        }

        var payload = batch.Payload.Span;
        switch (_settings.Mode)
        {
            case AlignmentMode.RevealToAll:
                var rows = Rows();
                if (payload.Length % sizeof(int) != 0)
                {
                    throw new AlignmentProtocolException($"A result batch of {payload.Length} bytes is not a list of int32 positions.");
                }

                for (var i = 0; i < payload.Length; i += sizeof(int))
                {
                    var position = BinaryPrimitives.ReadInt32LittleEndian(payload[i..]);
                    if ((uint)position >= (uint)rows.Count)
                    {
                        throw new AlignmentProtocolException($"The result names position {position}; the host has {rows.Count} IDs.");
                    }

                    intersection?.WriteLine(rows[position]);
                    _intersection++;
                }

                return batch.IsLast ? Outcome(_intersection) : null;
            case AlignmentMode.CardinalityOnly:
                if (payload.Length != sizeof(long))
                {
                    throw new AlignmentProtocolException("A cardinality result is one int64.");
                }

                return Outcome(BinaryPrimitives.ReadInt64LittleEndian(payload));
            default:
                if (!payload.IsEmpty)
                {
                    throw new AlignmentProtocolException("In reveal-to-guest mode the host receives no result.");
                }

                return Outcome(null);
        }
    }

    public void Dispose()
    {
        _cipher.Dispose();
        _key.Dispose();
    }

    private HostAlignmentResult Outcome(long? intersection)
    {
        Rows();
        return new HostAlignmentResult(_ids, _reader.Duplicates, intersection);
    }

    private List<int> Rows()
    {
        if (_rows is null)
        {
            var rows = new List<int>();
            foreach (var batch in _reader.Read(int.MaxValue))
            {
                rows.AddRange(batch.Rows.AsSpan(0, batch.Count));
            }

            Complete(rows);
        }

        return _rows!;
    }

    private void Complete(List<int> rows)
    {
        _rows = rows;
        _ids = rows.Count;
    }

    private static void Expect(PsiBatch batch, PsiStream stream, int index)
    {
        if (batch.Stream != stream || batch.Index != index)
        {
            throw new AlignmentProtocolException($"Expected {stream} batch {index}, got {batch.Stream} batch {batch.Index}.");
        }
    }

    /// <summary>
    /// The records of <paramref name="chunks"/> sorted by 16 bytes from <paramref name="keyOffset"/> (pseudo-random
    /// values, so the order says nothing about the rows), re-cut into batches of the session's size.
    /// </summary>
    private List<PsiBatch> SortedBatches(PsiStream stream, List<byte[]> chunks, int width, int keyOffset)
    {
        var total = chunks.Sum(c => c.Length / width);
        var keys = new UInt128[total];
        var records = new byte[total * width];
        var at = 0;
        foreach (var chunk in chunks)
        {
            chunk.CopyTo(records, at * width);
            for (var i = 0; i < chunk.Length / width; i++, at++)
            {
                keys[at] = BinaryPrimitives.ReadUInt128BigEndian(records.AsSpan(at * width + keyOffset));
            }
        }

        chunks.Clear();
        var order = new int[total];
        for (var i = 0; i < total; i++)
        {
            order[i] = i;
        }

        Array.Sort(keys, order);
        var batches = new List<PsiBatch>();
        for (var start = 0; start < total || batches.Count == 0; start += _settings.BatchSize)
        {
            var count = Math.Min(_settings.BatchSize, total - start);
            var payload = new byte[count * width];
            for (var i = 0; i < count; i++)
            {
                records.AsSpan(order[start + i] * width, width).CopyTo(payload.AsSpan(i * width));
            }

            batches.Add(new PsiBatch(stream, batches.Count, start + count >= total, payload));
        }

        return batches;
    }
}
