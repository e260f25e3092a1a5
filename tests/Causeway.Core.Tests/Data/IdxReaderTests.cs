using System.Buffers.Binary;
using System.IO.Compression;
using Causeway.Core.Data;

namespace Causeway.Core.Tests.Data;

public sealed class IdxReaderTests
{
    private static byte[] Gzip(params int[][] parts)
    {
        using var buffer = new MemoryStream();
        using (var gzip = new GZipStream(buffer, CompressionLevel.Fastest, leaveOpen: true))
        {
            foreach (var part in parts)
            {
                gzip.Write(Header(part[0], part[1..]));
            }
        }

        return buffer.ToArray();
    }

    private static byte[] Header(int magic, int[] dimensions)
    {
        var bytes = new byte[4 * (1 + dimensions.Length)];
        BinaryPrimitives.WriteInt32BigEndian(bytes, magic);
        for (var i = 0; i < dimensions.Length; i++)
        {
            BinaryPrimitives.WriteInt32BigEndian(bytes.AsSpan(4 * (i + 1)), dimensions[i]);
        }

        return bytes;
    }

    private static byte[] GzipFile(byte[] header, byte[] body)
    {
        using var buffer = new MemoryStream();
        using (var gzip = new GZipStream(buffer, CompressionLevel.Fastest, leaveOpen: true))
        {
            gzip.Write(header);
            gzip.Write(body);
        }

        return buffer.ToArray();
    }

    private static byte[] Images(int count, int height, int width, byte[] pixels) =>
        GzipFile(Header(2051, [count, height, width]), pixels);

    private static byte[] LabelsFile(byte[] labels) => GzipFile(Header(2049, [labels.Length]), labels);

    private static TabularData Read(byte[] images, byte[] labels) =>
        IdxReader.Read(new MemoryStream(images), "images.gz", new MemoryStream(labels), "labels.gz");

    [Fact]
    public void Read_TinyFiles_ScalesPixelsAndKeepsLabels()
    {
        var images = Images(3, 2, 2, [0, 255, 51, 102, 1, 2, 3, 4, 255, 255, 0, 0]);
        var labels = LabelsFile([9, 0, 3]);

        var data = Read(images, labels);

        Assert.Equal(3, data.Rows);
        Assert.Equal(4, data.Columns);
        Assert.Equal([0f, 1f, 0.2f, 0.4f], data.Row(0).ToArray());
        Assert.Equal([1f / 255, 2f / 255, 3f / 255, 4f / 255], data.Row(1).ToArray());
        Assert.Equal([9f, 0f, 3f], data.Labels);
        Assert.Equal(["pixel0", "pixel1", "pixel2", "pixel3"], data.FeatureNames);
    }

    [Fact]
    public void Read_FromFiles_ReadsSameAsStreams()
    {
        var directory = Directory.CreateTempSubdirectory("causeway-idx-");
        try
        {
            var imagesPath = Path.Combine(directory.FullName, "images.gz");
            var labelsPath = Path.Combine(directory.FullName, "labels.gz");
            File.WriteAllBytes(imagesPath, Images(1, 1, 3, [10, 20, 30]));
            File.WriteAllBytes(labelsPath, LabelsFile([7]));

            var data = IdxReader.Read(imagesPath, labelsPath);

            Assert.Equal([10f / 255, 20f / 255, 30f / 255], data.Features);
            Assert.Equal([7f], data.Labels);
        }
        finally
        {
            directory.Delete(recursive: true);
        }
    }

    [Fact]
    public void Read_SwappedArguments_SaysSo()
    {
        var error = Assert.Throws<DataFormatException>(() => Read(LabelsFile([1]), Images(1, 1, 1, [0])));

        Assert.Equal("images.gz: this is an IDX labels file (magic 2049), not an images file (magic 2051); are the arguments swapped?", error.Message);
    }

    [Fact]
    public void Read_WrongLabelMagic_Throws()
    {
        var error = Assert.Throws<DataFormatException>(() => Read(Images(1, 1, 1, [0]), Gzip([2050, 1])));

        Assert.Equal("labels.gz: magic number 2050 is not 2049 (IDX unsigned-byte labels, 1 dimension).", error.Message);
    }

    [Fact]
    public void Read_CountMismatch_Throws()
    {
        var error = Assert.Throws<DataFormatException>(() => Read(Images(2, 1, 1, [0, 1]), LabelsFile([1])));

        Assert.Equal("labels.gz: 1 labels for the 2 images in images.gz.", error.Message);
    }

    [Fact]
    public void Read_TruncatedPixels_Throws()
    {
        var error = Assert.Throws<DataFormatException>(() => Read(Images(2, 2, 2, [1, 2, 3]), LabelsFile([1, 2])));

        Assert.Equal("images.gz: the file ends after 3 of the 8 bytes of 2 images of 2 x 2 pixels.", error.Message);
    }

    [Fact]
    public void Read_TrailingBytes_Throws()
    {
        var error = Assert.Throws<DataFormatException>(() => Read(Images(1, 1, 1, [1, 2]), LabelsFile([1])));

        Assert.Equal("images.gz: the file has bytes after the data its header declares.", error.Message);
    }

    [Fact]
    public void Read_NotGzip_Throws()
    {
        var error = Assert.Throws<DataFormatException>(() => Read([1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16, 17, 18], LabelsFile([1])));

        Assert.StartsWith("images.gz: not a valid gzip stream", error.Message, StringComparison.Ordinal);
    }
}
