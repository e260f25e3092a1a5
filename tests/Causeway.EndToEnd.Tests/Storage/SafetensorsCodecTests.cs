using System.Buffers.Binary;
using System.Text;
using Causeway.Coordinator.Storage;
using Causeway.Core.Tensors;
using static Causeway.EndToEnd.Tests.Storage.StorageTestData;

namespace Causeway.EndToEnd.Tests.Storage;

public sealed class SafetensorsCodecTests
{
    [Fact]
    public void Encode_TwoTensors_WritesExactSafetensorsBytes()
    {
        var layout = new ParameterLayout([new TensorSpec("w", [1, 2]), new TensorSpec("b", [])]);
        var parameters = new ParameterSet(layout, [1.0f, -2.0f, 0.5f]);

        var blob = SafetensorsCodec.Encode(parameters);

        const string Json = """{"__metadata__":{"format":"causeway.parameters.v1"},"w":{"dtype":"F32","shape":[1,2],"data_offsets":[0,8]},"b":{"dtype":"F32","shape":[],"data_offsets":[8,12]}}""";
        var header = Json + new string(' ', (8 - (Json.Length % 8)) % 8);
        byte[] expected =
        [
            .. BitConverter.GetBytes((ulong)header.Length),
            .. Encoding.UTF8.GetBytes(header),
            0x00, 0x00, 0x80, 0x3F, // 1.0f little-endian
            0x00, 0x00, 0x00, 0xC0, // -2.0f
            0x00, 0x00, 0x00, 0x3F, // 0.5f
        ];
        Assert.Equal(expected, blob);
        Assert.Equal(0, (8 + header.Length) % 8);
    }

    [Fact]
    public void Decode_EncodedSpecialValues_RoundTripsBitExact()
    {
        var parameters = Parameters(seed: 7);

        var decoded = SafetensorsCodec.Decode(SafetensorsCodec.Encode(parameters));

        AssertBitExact(parameters, decoded);
        Assert.Equal(["dense.weight", "dense.bias", "temperature"], decoded.Layout.Tensors.Select(t => t.Name));
    }

    [Fact]
    public void Decode_KeysOutOfOffsetOrder_RecoversLayoutOrderFromOffsets()
    {
        var blob = Blob("""{"second":{"dtype":"F32","shape":[1],"data_offsets":[4,8]},"first":{"dtype":"F32","shape":[1],"data_offsets":[0,4]}}""", [3f, 4f]);

        var decoded = SafetensorsCodec.Decode(blob);

        Assert.Equal(["first", "second"], decoded.Layout.Tensors.Select(t => t.Name));
        Assert.Equal([3f, 4f], decoded.Values.ToArray());
    }

    [Theory]
    [InlineData("""{"a":{"dtype":"F16","shape":[2],"data_offsets":[0,8]}}""", "dtype")]
    [InlineData("""{"a":{"dtype":"F32","shape":[3],"data_offsets":[0,8]}}""", "spans bytes")]
    [InlineData("""{"a":{"dtype":"F32","shape":[1],"data_offsets":[4,8]}}""", "spans bytes")]
    [InlineData("""{"a":{"dtype":"F32","shape":[1],"data_offsets":[0,4]}}""", "data bytes")]
    [InlineData("""{"a":{"dtype":"F32","shape":[2]}}""", "malformed")]
    [InlineData("""[1,2]""", "not a JSON object")]
    [InlineData("""{"a":""", "malformed")]
    public void Decode_InconsistentHeader_ThrowsInvalidDataException(string header, string expectedMessagePart)
    {
        var blob = Blob(header, [1f, 2f]);

        var error = Assert.Throws<InvalidDataException>(() => SafetensorsCodec.Decode(blob));

        Assert.Contains(expectedMessagePart, error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Decode_TruncatedBlob_ThrowsInvalidDataException()
    {
        var blob = SafetensorsCodec.Encode(Parameters(seed: 1));

        Assert.Throws<InvalidDataException>(() => SafetensorsCodec.Decode(blob.AsSpan(0, 5)));
        Assert.Throws<InvalidDataException>(() => SafetensorsCodec.Decode(blob.AsSpan(0, 40)));
        Assert.Throws<InvalidDataException>(() => SafetensorsCodec.Decode(blob.AsSpan(0, blob.Length - 1)));
    }

    private static byte[] Blob(string header, float[] values)
    {
        var json = Encoding.UTF8.GetBytes(header);
        var blob = new byte[8 + json.Length + (values.Length * sizeof(float))];
        BinaryPrimitives.WriteUInt64LittleEndian(blob, (ulong)json.Length);
        json.CopyTo(blob, 8);
        for (var i = 0; i < values.Length; i++)
        {
            BinaryPrimitives.WriteSingleLittleEndian(blob.AsSpan(8 + json.Length + (i * sizeof(float))), values[i]);
        }

        return blob;
    }
}
