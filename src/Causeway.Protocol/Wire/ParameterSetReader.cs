namespace Causeway.Protocol.Wire;

/// <summary>Reads <c>causeway.v1.ParameterSet</c> bytes into <see cref="RawTensor"/> views (no tensor data is copied).</summary>
internal static class ParameterSetReader
{
    /// <summary>Appends the tensors of one ParameterSet occurrence (repeated occurrences merge by appending).</summary>
    public static void Read(ReadOnlyMemory<byte> message, List<RawTensor> tensors)
    {
        var reader = new WireReader(message.Span);
        while (!reader.End)
        {
            var (field, wireType) = reader.ReadTag();
            if (field == 1)
            {
                WireReader.Expect(wireType, 2, "tensors");
                var (start, length) = reader.ReadDelimited();
                tensors.Add(ReadTensor(message.Slice(start, length)));
            }
            else
            {
                reader.Skip(wireType);
            }
        }
    }

    private static RawTensor ReadTensor(ReadOnlyMemory<byte> message)
    {
        var name = "";
        var shape = new List<int>(4);
        var data = ReadOnlyMemory<byte>.Empty;
        var reader = new WireReader(message.Span);
        while (!reader.End)
        {
            var (field, wireType) = reader.ReadTag();
            switch (field)
            {
                case 1:
                    WireReader.Expect(wireType, 2, "name");
                    name = reader.ReadString();
                    break;
                case 2 when wireType == 0:
                    shape.Add((int)reader.ReadVarint());
                    break;
                case 2:
                    {
                        WireReader.Expect(wireType, 2, "shape");
                        var (start, length) = reader.ReadDelimited();
                        var packed = new WireReader(message.Span[..(start + length)], start);
                        while (!packed.End)
                        {
                            shape.Add((int)packed.ReadVarint());
                        }

                        break;
                    }

                case 3:
                    {
                        WireReader.Expect(wireType, 2, "data");
                        var (start, length) = reader.ReadDelimited();
                        data = message.Slice(start, length);
                        break;
                    }

                default:
                    reader.Skip(wireType);
                    break;
            }
        }

        return new RawTensor(name, [.. shape], data);
    }
}
