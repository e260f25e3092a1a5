using System.Buffers.Binary;
using System.Runtime.InteropServices;
using System.Text;
using Causeway.Core.Serialization;
using Causeway.Core.Tensors;

namespace Causeway.Core.Tests.Serialization;

public sealed class SafeTensorsFileTests
{
    private static byte[] WriteToBytes(ParameterSet parameters, IReadOnlyDictionary<string, string> metadata)
    {
        using var stream = new MemoryStream();
        SafeTensorsFile.Write(stream, parameters, metadata);
        return stream.ToArray();
    }

    /// <summary>A file from a literal JSON header and <paramref name="dataBytes"/> bytes of data (value i is byte i).</summary>
    private static byte[] Craft(string json, int dataBytes, ulong? claimedHeaderLength = null)
    {
        var header = Encoding.UTF8.GetBytes(json);
        var file = new byte[8 + header.Length + dataBytes];
        BinaryPrimitives.WriteUInt64LittleEndian(file, claimedHeaderLength ?? (ulong)header.Length);
        header.CopyTo(file, 8);
        for (var i = 0; i < dataBytes; i++)
        {
            file[8 + header.Length + i] = (byte)i;
        }

        return file;
    }

    private static InvalidDataException ReadFails(byte[] file) =>
        Assert.Throws<InvalidDataException>(() => SafeTensorsFile.Read(new MemoryStream(file)));

    [Fact]
    public void Read_WrittenSet_RoundTripsBitsLayoutAndMetadata()
    {
        // Arrange: names out of alphabetical order, a scalar, and values whose bits are easy to lose.
        var layout = new ParameterLayout([new TensorSpec("z.weight", [2, 3]), new TensorSpec("a", []), new TensorSpec("m", [5])]);
        int[] bits =
        [
            0x7FC12345, unchecked((int)0xFFC00001), 0x7F800001, unchecked((int)0x80000000), 0x00000001, 0x7F7FFFFF,
            0x7F800000, unchecked((int)0xFF800000), 0x3F800000, 0x00000000, unchecked((int)0xBEAAAAAB), 0x12345678,
        ];
        var parameters = new ParameterSet(layout, [.. MemoryMarshal.Cast<int, float>(bits)]);
        var metadata = new Dictionary<string, string> { ["note"] = "quotes \" and unicode é ✓", ["empty"] = "" };

        // Act
        var (read, readMetadata) = SafeTensorsFile.Read(new MemoryStream(WriteToBytes(parameters, metadata)));

        // Assert
        Assert.Equal(layout, read.Layout);
        Assert.Equal(bits, MemoryMarshal.Cast<float, int>(read.Values).ToArray());
        Assert.Equal(metadata.OrderBy(p => p.Key), readMetadata.OrderBy(p => p.Key));
    }

    [Fact]
    public void Write_SmallSet_ExactSafetensorsBytes()
    {
        // Arrange
        var layout = new ParameterLayout([new TensorSpec("w", [2]), new TensorSpec("b", [1])]);
        var parameters = new ParameterSet(layout, [1f, -2f, 0.5f]);
        const string Json =
            """{"__metadata__":{"k":"v"},"w":{"dtype":"F32","shape":[2],"data_offsets":[0,8]},"b":{"dtype":"F32","shape":[1],"data_offsets":[8,12]}}""";

        // Act
        var file = WriteToBytes(parameters, new Dictionary<string, string> { ["k"] = "v" });

        // Assert: the header is the JSON padded with spaces to a multiple of 8, then little-endian floats.
        var headerLength = (int)BinaryPrimitives.ReadUInt64LittleEndian(file);
        Assert.Equal(0, headerLength % 8);
        Assert.Equal(Json.PadRight(headerLength), Encoding.UTF8.GetString(file, 8, headerLength));
        Assert.Equal(
            [0x00, 0x00, 0x80, 0x3F, 0x00, 0x00, 0x00, 0xC0, 0x00, 0x00, 0x00, 0x3F],
            file[(8 + headerLength)..]);
    }

    [Fact]
    public void Read_HeaderKeysNotInOffsetOrder_LayoutFollowsOffsets()
    {
        // Arrange: the reference writer sorts keys; the layout order is the data order.
        var file = Craft(
            """{"b":{"dtype":"F32","shape":[1],"data_offsets":[8,12]},"a":{"dtype":"F32","shape":[2],"data_offsets":[0,8]}}""",
            12);

        // Act
        var (parameters, metadata) = SafeTensorsFile.Read(new MemoryStream(file));

        // Assert
        Assert.Equal("a[2], b[1]", parameters.Layout.ToString());
        Assert.Equal(BitConverter.ToSingle([8, 9, 10, 11]), parameters["b"][0]);
        Assert.Empty(metadata);
    }

    [Fact]
    public void Read_NonSeekableStream_RoundTripsAndRejectsTrailingBytes()
    {
        var layout = new ParameterLayout([new TensorSpec("w", [3])]);
        var file = WriteToBytes(new ParameterSet(layout, [1f, 2f, 3f]), new Dictionary<string, string>());

        var (parameters, _) = SafeTensorsFile.Read(new ForwardOnlyStream(file));
        Assert.Equal([1f, 2f, 3f], parameters.Values.ToArray());

        var error = Assert.Throws<InvalidDataException>(() => SafeTensorsFile.Read(new ForwardOnlyStream([.. file, 0])));
        Assert.Contains("do not cover", error.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(0)]
    [InlineData(5)]
    public void Read_ShorterThanLengthPrefix_ThrowsTruncated(int length) =>
        Assert.Contains("Truncated", ReadFails(new byte[length]).Message, StringComparison.Ordinal);

    [Fact]
    public void Read_HeaderLengthOver100MB_ThrowsNamingTheLimit()
    {
        var error = ReadFails(Craft("{}", 0, claimedHeaderLength: 100_000_001));
        Assert.Contains("100000000-byte limit", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Read_HeaderLongerThanFile_ThrowsTruncated()
    {
        var error = ReadFails(Craft("{}", 0, claimedHeaderLength: 64));
        Assert.Contains("Truncated", error.Message, StringComparison.Ordinal);
        Assert.Contains("64 bytes", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Read_DataShorterThanOffsets_ThrowsTruncated()
    {
        var error = ReadFails(Craft("""{"w":{"dtype":"F32","shape":[4],"data_offsets":[0,16]}}""", 12));
        Assert.Contains("need 16 data bytes but only 12", error.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("""{"w":{"dtype":"F32","shape":[2],"data_offsets":[0,8]}""", "not valid JSON")]
    [InlineData("not json at all", "not valid JSON")]
    [InlineData("""[1, 2]""", "must be a JSON object")]
    [InlineData("""{"w":{"dtype":"F16","shape":[4],"data_offsets":[0,8]}}""", "dtype 'F16'; only F32")]
    [InlineData("""{"w":{"shape":[2],"data_offsets":[0,8]}}""", "no string 'dtype'")]
    [InlineData("""{"w":{"dtype":"F32","shape":[3],"data_offsets":[0,8]}}""", "span 8 bytes")]
    [InlineData("""{"w":{"dtype":"F32","shape":[2,0],"data_offsets":[0,0]}}""", "zero-size dimension")]
    [InlineData("""{"w":{"dtype":"F32","shape":[-2],"data_offsets":[0,8]}}""", "not a non-negative 32-bit integer")]
    [InlineData("""{"w":{"dtype":"F32","shape":[2],"data_offsets":[-8,0]}}""", "not a non-negative integer")]
    [InlineData("""{"w":{"dtype":"F32","shape":[2],"data_offsets":[8,0]}}""", "end before they begin")]
    [InlineData("""{"w":{"dtype":"F32","shape":[2],"data_offsets":[0]}}""", "[begin, end]")]
    [InlineData("""{"w":{"dtype":"F32","shape":[2],"data_offsets":[0,8]},"v":{"dtype":"F32","shape":[2],"data_offsets":[4,12]}}""", "overlaps tensor 'w'")]
    [InlineData("""{"w":{"dtype":"F32","shape":[1],"data_offsets":[0,4]},"v":{"dtype":"F32","shape":[1],"data_offsets":[8,12]}}""", "bytes [4, 8) before tensor 'v' belong to no tensor")]
    [InlineData("""{"w":{"dtype":"F32","shape":[1],"data_offsets":[0,4]}}""", "the tensors end at byte 4 but the buffer holds 8")]
    [InlineData("""{"w":{"dtype":"F32","shape":[2],"data_offsets":[0,8]},"w":{"dtype":"F32","shape":[2],"data_offsets":[0,8]}}""", "names 'w' twice")]
    [InlineData("""{"__metadata__":{"k":1},"w":{"dtype":"F32","shape":[2],"data_offsets":[0,8]}}""", "'k' must be a string")]
    [InlineData("""{"__metadata__":["k"],"w":{"dtype":"F32","shape":[2],"data_offsets":[0,8]}}""", "must be an object of strings")]
    [InlineData("""{"w":[0,8]}""", "must be described by an object")]
    public void Read_MalformedHeader_ThrowsInvalidDataNamingTheProblem(string json, string expected)
    {
        var error = ReadFails(Craft(json, 8));
        Assert.Contains(expected, error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Write_TensorNamedLikeTheMetadataKey_Throws()
    {
        var parameters = new ParameterSet(new ParameterLayout([new TensorSpec("__metadata__", [1])]));

        Assert.Throws<ArgumentException>(() => WriteToBytes(parameters, new Dictionary<string, string>()));
    }

    /// <summary>A stream that can only be read forwards, like a network stream.</summary>
    private sealed class ForwardOnlyStream(byte[] bytes) : Stream
    {
        private readonly MemoryStream _inner = new(bytes);

        public override bool CanRead => true;

        public override bool CanSeek => false;

        public override bool CanWrite => false;

        public override long Length => throw new NotSupportedException();

        public override long Position { get => throw new NotSupportedException(); set => throw new NotSupportedException(); }

        public override int Read(byte[] buffer, int offset, int count) => _inner.Read(buffer, offset, Math.Min(count, 3));

        public override void Flush()
        {
        }

        public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();

        public override void SetLength(long value) => throw new NotSupportedException();

        public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException();

        protected override void Dispose(bool disposing)
        {
            if (disposing)
            {
                _inner.Dispose();
            }

            base.Dispose(disposing);
        }
    }
}
