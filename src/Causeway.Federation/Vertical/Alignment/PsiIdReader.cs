using System.Buffers.Binary;
using System.Security.Cryptography;
using System.Text;
using Causeway.Privacy.Psi;

namespace Causeway.Federation.Vertical.Alignment;

/// <summary>
/// Reads a party's IDs in batches: normalises each (<see cref="PsiIdNormalizer"/>), drops repeats of an earlier ID (the
/// first occurrence is kept; <see cref="Duplicates"/> counts the rest) and keeps each kept ID's input row. Memory is one
/// batch of strings plus a 16-byte SHA-256 prefix per distinct ID for deduplication — no object per ID.
/// </summary>
internal sealed class PsiIdReader
{
    private readonly AlignmentSettings _settings;
    private readonly IEnumerable<string> _ids;

    public PsiIdReader(AlignmentSettings settings, IEnumerable<string> ids)
    {
        _settings = settings;
        _ids = ids;
    }

    /// <summary>Repeated IDs dropped so far (by the last complete enumeration).</summary>
    public long Duplicates { get; private set; }

    /// <summary>
    /// The batches of distinct normalised IDs with their zero-based input rows; batch b holds positions
    /// [b·BatchSize, (b+1)·BatchSize). Batches before <paramref name="fromBatch"/> are read and deduplicated but yielded
    /// with no IDs (<see cref="IdBatch.Skipped"/>), so a resumed party spends no curve operations on them. Every batch
    /// reuses the same buffers: consume it before advancing.
    /// </summary>
    public IEnumerable<IdBatch> Read(int fromBatch = 0)
    {
        var normalizer = new PsiIdNormalizer(_settings.Ids);
        var seen = new HashSet<UInt128>();
        var size = _settings.BatchSize;
        var ids = new string[size];
        var rows = new int[size];
        var count = 0;
        var index = 0;
        var row = -1L;
        var digest = new byte[32];
        var utf8 = new byte[256];
        Duplicates = 0;
        foreach (var raw in _ids)
        {
            row++;
            if (row > int.MaxValue)
            {
                throw new InvalidPsiIdException(row, "beyond the 2^31 rows a PSI party may hold");
            }

            var id = normalizer.Normalize(raw, row);
            var length = Encoding.UTF8.GetByteCount(id);
            if (length > utf8.Length)
            {
                utf8 = new byte[Math.Max(length, 2 * utf8.Length)];
            }

            Encoding.UTF8.GetBytes(id, utf8);
            SHA256.HashData(utf8.AsSpan(0, length), digest);
            if (!seen.Add(BinaryPrimitives.ReadUInt128LittleEndian(digest)))
            {
                Duplicates++;
                continue;
            }

            // A full batch waits for the next distinct ID, so that the last batch is never an empty one after a full one.
            if (count == size)
            {
                yield return new IdBatch(index, ids, rows, count, Skipped: index < fromBatch, IsLast: false);
                index++;
                count = 0;
            }

            ids[count] = index >= fromBatch ? id : string.Empty;
            rows[count] = (int)row;
            count++;
        }

        yield return new IdBatch(index, ids, rows, count, Skipped: index < fromBatch, IsLast: true);
    }

    /// <summary>One batch of distinct IDs: <c>Ids[..Count]</c> at input rows <c>Rows[..Count]</c>.</summary>
    internal readonly record struct IdBatch(int Index, string[] Ids, int[] Rows, int Count, bool Skipped, bool IsLast)
    {
        public ArraySegment<string> Values => new(Ids, 0, Count);
    }
}
