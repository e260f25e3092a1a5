using System.Buffers.Binary;
using System.IO.Compression;

namespace Causeway.Vectors.Data;

/// <summary>
/// The texmex formats of ANN benchmarks (corpus-texmex, ann-benchmarks): every vector is a little-endian <c>int32</c>
/// dimension d and d values — float32 in <c>.fvecs</c>, uint8 in <c>.bvecs</c>, int32 in <c>.ivecs</c> (ground-truth
/// neighbour ids) — and the IDX image files of MNIST-like sets (big-endian header, gzip).
/// </summary>
public static class VecFiles
{
    /// <summary>Reads <c>.fvecs</c> or <c>.bvecs</c> (by extension) as float32 rows.</summary>
    /// <exception cref="InvalidDataException">The file is cut short or its rows differ in dimension (the message names the file and the row).</exception>
    public static float[][] ReadVectors(string path)
    {
        ArgumentNullException.ThrowIfNull(path);
        var bytes = path.EndsWith(".bvecs", StringComparison.OrdinalIgnoreCase);
        return Read(path, bytes ? 1 : 4, (span, row) =>
        {
            for (var j = 0; j < row.Length; j++)
            {
                row[j] = bytes ? span[j] : BinaryPrimitives.ReadSingleLittleEndian(span[(4 * j)..]);
            }
        }, d => new float[d]);
    }

    /// <summary>Reads <c>.ivecs</c> rows (ground truth: neighbour ids, nearest first).</summary>
    public static int[][] ReadIds(string path)
    {
        ArgumentNullException.ThrowIfNull(path);
        return Read(path, 4, (span, row) =>
        {
            for (var j = 0; j < row.Length; j++)
            {
                row[j] = BinaryPrimitives.ReadInt32LittleEndian(span[(4 * j)..]);
            }
        }, d => new int[d]);
    }

    public static void WriteVectors(string path, IReadOnlyList<float[]> rows)
    {
        using var writer = new BinaryWriter(File.Create(path));
        foreach (var row in rows)
        {
            writer.Write(row.Length);
            foreach (var value in row)
            {
                writer.Write(value);
            }
        }
    }

    public static void WriteIds(string path, IReadOnlyList<int[]> rows)
    {
        using var writer = new BinaryWriter(File.Create(path));
        foreach (var row in rows)
        {
            writer.Write(row.Length);
            foreach (var value in row)
            {
                writer.Write(value);
            }
        }
    }

    /// <summary>Reads an IDX image file (<c>*-images-idx3-ubyte[.gz]</c>): one float32 row of pixels (0–255) per image.</summary>
    public static float[][] ReadIdxImages(string path)
    {
        ArgumentNullException.ThrowIfNull(path);
        using var file = File.OpenRead(path);
        using Stream stream = path.EndsWith(".gz", StringComparison.OrdinalIgnoreCase) ? new GZipStream(file, CompressionMode.Decompress) : file;
        Span<byte> header = stackalloc byte[16];
        stream.ReadExactly(header);
        if (BinaryPrimitives.ReadInt32BigEndian(header) != 2051)
        {
            throw new InvalidDataException($"{path} is not an IDX image file (magic 2051)");
        }

        var (count, height, width) = (BinaryPrimitives.ReadInt32BigEndian(header[4..]), BinaryPrimitives.ReadInt32BigEndian(header[8..]), BinaryPrimitives.ReadInt32BigEndian(header[12..]));
        var pixels = new byte[height * width];
        var rows = new float[count][];
        for (var i = 0; i < count; i++)
        {
            stream.ReadExactly(pixels);
            rows[i] = [.. pixels.Select(p => (float)p)];
        }

        return rows;
    }

    private static T[][] Read<T>(string path, int valueBytes, SpanRowReader<T> fill, Func<int, T[]> create)
    {
        var data = File.ReadAllBytes(path);
        var rows = new List<T[]>();
        var at = 0;
        int? dimension = null;
        while (at < data.Length)
        {
            if (data.Length - at < 4)
            {
                throw new InvalidDataException($"{path}: row {rows.Count} is cut short");
            }

            var d = BinaryPrimitives.ReadInt32LittleEndian(data.AsSpan(at));
            if (d < 1 || d > CollectionSpec.MaxDimension || (dimension is { } first && d != first) || data.Length - at - 4 < d * valueBytes)
            {
                throw new InvalidDataException($"{path}: row {rows.Count} has dimension {d}{(dimension is { } f ? $" after rows of {f}" : string.Empty)}, or is cut short");
            }

            dimension = d;
            var row = create(d);
            fill(data.AsSpan(at + 4, d * valueBytes), row);
            rows.Add(row);
            at += 4 + (d * valueBytes);
        }

        return [.. rows];
    }

    private delegate void SpanRowReader<T>(ReadOnlySpan<byte> values, T[] row);
}
