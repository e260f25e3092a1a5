using System.Buffers.Binary;
using Causeway.Privacy.Psi;

namespace Causeway.Federation.Vertical.Alignment;

/// <summary>
/// The guest (label holder) side of ECDH-PSI with one or more hosts, transport-free. The guest broadcasts E_g(H(g_i)) to
/// every host (the same bytes for all), stores each host's tags of E_h(E_g(H(g_i))) in its work directory, then
/// double-encrypts each host's points E_h(H(h_j)) and looks the tags up: a match pairs a guest row with a host row. The
/// intersection of all parties is the guest rows matched by every host.
/// </summary>
/// <remarks>
/// Memory is bounded by batches plus per host 20 bytes per guest ID while that host's points are matched, and 4 bytes per
/// guest ID per host at <see cref="Finish"/>. With several hosts the guest learns each pairwise intersection (a star
/// topology; see docs/psi.md). Resumable: a guest rebuilt from <see cref="State"/> and the same work directory re-sends
/// its points from the first batch some host has not answered and continues each host's stream where it stopped.
/// </remarks>
public sealed class PsiGuest : IDisposable
{
    private const int MatchBytes = 2 * sizeof(int);
    private readonly AlignmentSettings _settings;
    private readonly PsiKey _key;
    private readonly EcdhPsiCipher _cipher;
    private readonly PsiIdReader _reader;
    private readonly PsiHostProgress[] _hosts;
    private readonly FileStream[] _tags;
    private readonly FileStream[] _matches;
    private readonly TagIndex?[] _indexes;
    private readonly List<PsiBatch>[] _results;
    private readonly byte[] _stateKey;
    private List<int>? _rows;

    /// <summary>A guest for one session.</summary>
    /// <param name="settings">The session's agreed settings.</param>
    /// <param name="state">A new state (<see cref="NewState"/>) or one persisted from an interrupted run with the same work directory.</param>
    /// <param name="ids">The guest's IDs, one per row; enumerated again on resume, so it must be re-readable.</param>
    /// <param name="workDirectory">Where received tags and matches are kept (16 bytes per guest ID per host); created if missing.</param>
    /// <param name="degreeOfParallelism">Threads for curve work; defaults to the processor count.</param>
    public PsiGuest(AlignmentSettings settings, PsiGuestState state, IEnumerable<string> ids, string workDirectory, int? degreeOfParallelism = null)
    {
        ArgumentNullException.ThrowIfNull(settings);
        ArgumentNullException.ThrowIfNull(state);
        ArgumentNullException.ThrowIfNull(ids);
        ArgumentException.ThrowIfNullOrEmpty(workDirectory);
        settings.Validate();
        if (state.Hosts.Count < 1)
        {
            throw new ArgumentException("A PSI session needs at least one host.", nameof(state));
        }

        if (settings.Mode == AlignmentMode.CardinalityOnly && state.Hosts.Count != 1)
        {
            throw new ArgumentException($"Cardinality-only PSI is two-party; this session has {state.Hosts.Count} hosts.", nameof(state));
        }

        _settings = settings;
        _stateKey = state.Key;
        _key = PsiKey.FromBytes(state.Key);
        _cipher = new EcdhPsiCipher(_key, settings.SessionSalt, degreeOfParallelism);
        _reader = new PsiIdReader(settings, ids);
        _hosts = [.. state.Hosts];
        Directory.CreateDirectory(workDirectory);
        _tags = new FileStream[_hosts.Length];
        _matches = new FileStream[_hosts.Length];
        _indexes = new TagIndex?[_hosts.Length];
        _results = new List<PsiBatch>[_hosts.Length];
        for (var h = 0; h < _hosts.Length; h++)
        {
            _tags[h] = new FileStream(Path.Combine(workDirectory, $"psi-tags-{h}.bin"), FileMode.OpenOrCreate, FileAccess.ReadWrite);
            _matches[h] = new FileStream(Path.Combine(workDirectory, $"psi-matches-{h}.bin"), FileMode.OpenOrCreate, FileAccess.ReadWrite);

            // Bytes written after the state was last persisted are not part of the session yet.
            _matches[h].SetLength(settings.Mode == AlignmentMode.CardinalityOnly ? 0 : _hosts[h].Matches * MatchBytes);
            _matches[h].Position = _matches[h].Length;
        }
    }

    /// <summary>The progress to persist after each message (see <see cref="PsiGuestState"/>).</summary>
    public PsiGuestState State => new(_stateKey, [.. _hosts]);

    /// <summary>A fresh state for <paramref name="hosts"/> hosts with a new secret key.</summary>
    public static PsiGuestState NewState(int hosts)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(hosts, 1);
        using var key = PsiKey.Generate();
        var bytes = new byte[PsiKey.Bytes];
        key.CopyTo(bytes);
        return new PsiGuestState(bytes, [.. Enumerable.Repeat(new PsiHostProgress(), hosts)]);
    }

    /// <summary>Whether <paramref name="host"/> still needs GuestPoints batch <paramref name="index"/>.</summary>
    public bool Needs(int host, int index) => !_hosts[host].TagsComplete && index >= _hosts[host].TagBatches;

    /// <summary>
    /// The guest's points E_g(H(g_i)), batch by batch, from the first batch some host has not answered (nothing when all
    /// have). Each batch is computed when requested; send it to every host that <see cref="Needs"/> it.
    /// </summary>
    public IEnumerable<PsiBatch> GuestPoints()
    {
        var pending = _hosts.Where(h => !h.TagsComplete).Select(h => h.TagBatches).DefaultIfEmpty(int.MaxValue).Min();
        if (pending == int.MaxValue)
        {
            yield break;
        }

        var rows = new List<int>();
        foreach (var batch in _reader.Read(pending))
        {
            rows.AddRange(batch.Rows.AsSpan(0, batch.Count));
            if (batch.IsLast)
            {
                _rows = rows;
            }

            if (!batch.Skipped)
            {
                var points = new byte[batch.Count * EcdhPsiCipher.PointBytes];
                _cipher.HashAndEncrypt(batch.Values, points);
                yield return new PsiBatch(PsiStream.GuestPoints, batch.Index, batch.IsLast, points);
            }
        }
    }

    /// <summary>Stores a GuestTags batch from <paramref name="host"/>.</summary>
    /// <exception cref="AlignmentProtocolException">Out of order, of the wrong size, or after the last one.</exception>
    public void AcceptGuestTags(int host, PsiBatch batch)
    {
        ArgumentNullException.ThrowIfNull(batch);
        var progress = _hosts[host];
        if (progress.TagsComplete)
        {
            throw new AlignmentProtocolException($"Host {host} sent GuestTags batch {batch.Index} after its last one.");
        }

        Expect(host, batch, PsiStream.GuestTags, progress.TagBatches, EcdhPsiCipher.TagBytes);
        var file = _tags[host];
        file.Position = (long)batch.Index * _settings.BatchSize * EcdhPsiCipher.TagBytes;
        file.Write(batch.Payload.Span);
        var stored = file.Position / EcdhPsiCipher.TagBytes;
        if (batch.IsLast)
        {
            file.SetLength(file.Position);
            var ids = Rows().Count;
            if (stored != ids)
            {
                throw new AlignmentProtocolException($"Host {host} returned {stored} tags for the guest's {ids} points.");
            }
        }

        file.Flush();
        _hosts[host] = progress with { TagBatches = batch.Index + 1, TagsComplete = batch.IsLast };
    }

    /// <summary>Whether <paramref name="host"/>'s points can be matched (all its GuestTags arrived).</summary>
    public bool ReadyForHostPoints(int host) => _hosts[host].TagsComplete;

    /// <summary>
    /// Double-encrypts a HostPoints batch of <paramref name="host"/> and records which of its points match guest IDs.
    /// After it returns the batch counts as acknowledged (<see cref="PsiHostProgress.HostBatches"/>).
    /// </summary>
    /// <exception cref="AlignmentProtocolException">Before the host's tags are complete, out of order, or of the wrong size.</exception>
    /// <exception cref="InvalidPeerPointException">A point is not on P-256.</exception>
    public void AcceptHostPoints(int host, PsiBatch batch)
    {
        ArgumentNullException.ThrowIfNull(batch);
        var progress = _hosts[host];
        if (!progress.TagsComplete || progress.HostPointsComplete)
        {
            throw new AlignmentProtocolException($"Host {host} sent HostPoints batch {batch.Index} {(progress.TagsComplete ? "after its last one" : "before all GuestTags")}.");
        }

        Expect(host, batch, PsiStream.HostPoints, progress.HostBatches, EcdhPsiCipher.PointBytes);
        var index = _indexes[host] ??= TagIndex.Load(_tags[host], _tags[host].Length / EcdhPsiCipher.TagBytes);
        var count = batch.Payload.Length / EcdhPsiCipher.PointBytes;
        var tags = new byte[count * EcdhPsiCipher.TagBytes];
        _cipher.EncryptToTags(batch.Payload, tags);
        var matches = 0L;
        Span<byte> pair = stackalloc byte[MatchBytes];
        for (var i = 0; i < count; i++)
        {
            var position = index.Find(TagIndex.Key(tags.AsSpan(i * EcdhPsiCipher.TagBytes)));
            if (position < 0)
            {
                continue;
            }

            matches++;
            if (_settings.Mode != AlignmentMode.CardinalityOnly)
            {
                BinaryPrimitives.WriteInt32LittleEndian(pair, position);
                BinaryPrimitives.WriteInt32LittleEndian(pair[sizeof(int)..], batch.Index * _settings.BatchSize + i);
                _matches[host].Write(pair);
            }
        }

        _matches[host].Flush();
        if (batch.IsLast)
        {
            _indexes[host] = null;
        }

        _hosts[host] = progress with
        {
            HostBatches = batch.Index + 1,
            HostPointsComplete = batch.IsLast,
            HostIds = progress.HostIds + count,
            Matches = progress.Matches + matches,
        };
    }

    /// <summary>Whether every host's points have been matched, so <see cref="Finish"/> can run.</summary>
    public bool ReadyToFinish => _hosts.All(h => h.HostPointsComplete);

    /// <summary>
    /// Computes the intersection of all parties. In the reveal modes writes each intersecting zero-based input row to
    /// <paramref name="intersection"/>, one per line, ascending. Afterwards <see cref="ResultFor"/> gives each host's
    /// Result batches.
    /// </summary>
    public GuestAlignmentResult Finish(TextWriter? intersection)
    {
        if (!ReadyToFinish)
        {
            throw new InvalidOperationException("PSI can finish only after every host's points were matched.");
        }

        var rows = Rows();
        long total;
        if (_settings.Mode == AlignmentMode.CardinalityOnly)
        {
            total = _hosts[0].Matches;
            var count = new byte[sizeof(long)];
            BinaryPrimitives.WriteInt64LittleEndian(count, total);
            _results[0] = [new PsiBatch(PsiStream.Result, 0, IsLast: true, count)];
        }
        else
        {
            total = Intersect(rows, intersection);
        }

        return new GuestAlignmentResult(rows.Count, _reader.Duplicates, total, [.. _hosts.Select(h => h.HostIds)]);
    }

    /// <summary>The Result batches for <paramref name="host"/> after <see cref="Finish"/>.</summary>
    public IReadOnlyList<PsiBatch> ResultFor(int host) =>
        _results[host] ?? throw new InvalidOperationException("Call Finish before sending results.");

    public void Dispose()
    {
        foreach (var file in _tags.Concat(_matches))
        {
            file.Dispose();
        }

        _cipher.Dispose();
        _key.Dispose();
    }

    private long Intersect(List<int> rows, TextWriter? intersection)
    {
        // hostPosition[h][guest position] = the matching host position, or -1.
        var hostPosition = new int[_hosts.Length][];
        Span<byte> pair = stackalloc byte[MatchBytes];
        for (var h = 0; h < _hosts.Length; h++)
        {
            var map = hostPosition[h] = new int[rows.Count];
            Array.Fill(map, -1);
            var file = _matches[h];
            file.Position = 0;
            for (var m = 0L; m < _hosts[h].Matches; m++)
            {
                file.ReadExactly(pair);
                map[BinaryPrimitives.ReadInt32LittleEndian(pair)] = BinaryPrimitives.ReadInt32LittleEndian(pair[sizeof(int)..]);
            }
        }

        var perHost = Enumerable.Range(0, _hosts.Length).Select(_ => new List<int>()).ToArray();
        var total = 0L;
        for (var position = 0; position < rows.Count; position++)
        {
            if (!hostPosition.All(map => map[position] >= 0))
            {
                continue;
            }

            total++;
            intersection?.WriteLine(rows[position]);
            for (var h = 0; h < _hosts.Length; h++)
            {
                perHost[h].Add(hostPosition[h][position]);
            }
        }

        for (var h = 0; h < _hosts.Length; h++)
        {
            _results[h] = _settings.Mode == AlignmentMode.RevealToAll
                ? PositionBatches(perHost[h])
                : [new PsiBatch(PsiStream.Result, 0, IsLast: true, ReadOnlyMemory<byte>.Empty)];
        }

        return total;
    }

    private List<PsiBatch> PositionBatches(List<int> positions)
    {
        positions.Sort();
        var batches = new List<PsiBatch>();
        for (var start = 0; start < positions.Count || batches.Count == 0; start += _settings.BatchSize)
        {
            var count = Math.Min(_settings.BatchSize, positions.Count - start);
            var payload = new byte[count * sizeof(int)];
            for (var i = 0; i < count; i++)
            {
                BinaryPrimitives.WriteInt32LittleEndian(payload.AsSpan(i * sizeof(int)), positions[start + i]);
            }

            batches.Add(new PsiBatch(PsiStream.Result, batches.Count, start + count >= positions.Count, payload));
        }

        return batches;
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

            _rows = rows;
        }

        return _rows;
    }

    private void Expect(int host, PsiBatch batch, PsiStream stream, int index, int width)
    {
        if (batch.Stream != stream || batch.Index != index)
        {
            throw new AlignmentProtocolException($"Host {host}: expected {stream} batch {index}, got {batch.Stream} batch {batch.Index}.");
        }

        var length = batch.Payload.Length;
        if (length % width != 0 || length / width > _settings.BatchSize || (!batch.IsLast && length / width != _settings.BatchSize))
        {
            throw new AlignmentProtocolException($"Host {host}: {stream} batch {index} has {length} bytes; batches are full ({_settings.BatchSize} records of {width} bytes) except the last.");
        }
    }
}
