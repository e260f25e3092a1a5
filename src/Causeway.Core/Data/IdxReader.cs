using System.Buffers.Binary;
using System.IO.Compression;

namespace Causeway.Core.Data;

/// <summary>Reads MNIST-style image sets (MNIST, Fashion-MNIST) stored as gzipped IDX files.</summary>
/// <remarks>
/// IDX (LeCun et al., http://yann.lecun.com/exdb/mnist/): a big-endian header, then unsigned bytes. Images:
/// magic 2051 (0x00000803), count, rows, columns, then count x rows x columns pixels. Labels: magic 2049
/// (0x00000801), count, then count bytes. Pixels are scaled to [0, 1] by dividing by 255; features are named
/// <c>pixel{i}</c> in row-major order.
/// </remarks>
public static class IdxReader
{
    private const int ImagesMagic = 2051;
    private const int LabelsMagic = 2049;

    /// <summary>Reads an images file and its labels file (both gzipped).</summary>
    /// <exception cref="DataFormatException">A file has the wrong magic number, an impossible size, is truncated or has trailing bytes, or the counts differ.</exception>
    public static TabularData Read(string imagesGzPath, string labelsGzPath)
    {
        ArgumentException.ThrowIfNullOrEmpty(imagesGzPath);
        ArgumentException.ThrowIfNullOrEmpty(labelsGzPath);
        using var images = File.OpenRead(imagesGzPath);
        using var labels = File.OpenRead(labelsGzPath);
        return Read(images, imagesGzPath, labels, labelsGzPath);
    }

    /// <summary>Reads gzipped IDX images and labels from streams; the names are used in error messages.</summary>
    /// <exception cref="DataFormatException">As for <see cref="Read(string, string)"/>.</exception>
    public static TabularData Read(Stream imagesGz, string imagesName, Stream labelsGz, string labelsName)
    {
        ArgumentNullException.ThrowIfNull(imagesGz);
        ArgumentNullException.ThrowIfNull(labelsGz);
        ArgumentException.ThrowIfNullOrEmpty(imagesName);
        ArgumentException.ThrowIfNullOrEmpty(labelsName);

        using var imageStream = new GZipStream(imagesGz, CompressionMode.Decompress, leaveOpen: true);
        using var labelStream = new GZipStream(labelsGz, CompressionMode.Decompress, leaveOpen: true);
        Span<byte> header = stackalloc byte[16];
        ReadExactly(imageStream, header[..4], imagesName, "the magic number");
        var magic = BinaryPrimitives.ReadInt32BigEndian(header);
        if (magic != ImagesMagic)
        {
            throw new DataFormatException(
                imagesName, null, null,
                magic == LabelsMagic
                    ? "this is an IDX labels file (magic 2049), not an images file (magic 2051); are the arguments swapped?"
                    : $"magic number {magic} is not 2051 (IDX unsigned-byte images, 3 dimensions).");
        }

        ReadExactly(imageStream, header[4..], imagesName, "the dimensions in the 16-byte header");
        var count = BinaryPrimitives.ReadInt32BigEndian(header[4..]);
        var height = BinaryPrimitives.ReadInt32BigEndian(header[8..]);
        var width = BinaryPrimitives.ReadInt32BigEndian(header[12..]);
        if (count < 0 || height <= 0 || width <= 0 || (long)count * height * width > Array.MaxLength)
        {
            throw new DataFormatException(imagesName, null, null, $"impossible dimensions {count} x {height} x {width}.");
        }

        ReadExactly(labelStream, header[..8], labelsName, "the 8-byte header");
        magic = BinaryPrimitives.ReadInt32BigEndian(header);
        if (magic != LabelsMagic)
        {
            throw new DataFormatException(labelsName, null, null, $"magic number {magic} is not 2049 (IDX unsigned-byte labels, 1 dimension).");
        }

        var labelCount = BinaryPrimitives.ReadInt32BigEndian(header[4..]);
        if (labelCount != count)
        {
            throw new DataFormatException(labelsName, null, null, $"{labelCount} labels for the {count} images in {imagesName}.");
        }

        var pixels = new byte[count * height * width];
        ReadExactly(imageStream, pixels, imagesName, $"{count} images of {height} x {width} pixels");
        RequireEnd(imageStream, imagesName);
        var rawLabels = new byte[count];
        ReadExactly(labelStream, rawLabels, labelsName, $"{count} labels");
        RequireEnd(labelStream, labelsName);

        var features = new float[pixels.Length];
        for (var i = 0; i < pixels.Length; i++)
        {
            features[i] = pixels[i] / 255f;
        }

        var labels = new float[count];
        for (var i = 0; i < count; i++)
        {
            labels[i] = rawLabels[i];
        }

        var columns = height * width;
        return new TabularData(features, labels, columns, [.. Enumerable.Range(0, columns).Select(i => $"pixel{i}")]);
    }

    private static void ReadExactly(Stream stream, Span<byte> buffer, string name, string what)
    {
        int read;
        try
        {
            read = stream.ReadAtLeast(buffer, buffer.Length, throwOnEndOfStream: false);
        }
        catch (InvalidDataException e)
        {
            throw new DataFormatException(name, null, null, $"not a valid gzip stream: {e.Message}", e);
        }

        if (read < buffer.Length)
        {
            throw new DataFormatException(name, null, null, $"the file ends after {read} of the {buffer.Length} bytes of {what}.");
        }
    }

    private static void RequireEnd(Stream stream, string name)
    {
        Span<byte> probe = stackalloc byte[1];
        if (stream.Read(probe) != 0)
        {
            throw new DataFormatException(name, null, null, "the file has bytes after the data its header declares.");
        }
    }
}
