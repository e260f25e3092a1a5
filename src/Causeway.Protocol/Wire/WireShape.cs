using Google.Protobuf.Reflection;

namespace Causeway.Protocol.Wire;

/// <summary>
/// Checks the framing of a protobuf message before a generated parser sees it: every length-delimited field, in the
/// message and in every embedded message its descriptor names, must end within its enclosing message.
/// </summary>
/// <remarks>
/// Google.Protobuf trusts a nested length near <see cref="int.MaxValue"/> far enough to overflow its limit arithmetic; it
/// then reads out of bounds or allocates up to gigabytes for a 21-byte body (protocolbuffers/protobuf#26856, found by
/// fuzz/). With every length bounded by the bytes actually there, that arithmetic cannot overflow. Groups (wire types 3
/// and 4, which proto3 never writes) are refused, as this project's own readers refuse them.
/// </remarks>
internal static class WireShape
{
    // Google.Protobuf's default recursion limit.
    private const int MaxDepth = 100;

    /// <exception cref="MalformedMessageException">A field runs past the end of its message, a tag or varint is invalid, or the nesting is deeper than protobuf allows.</exception>
    public static void Check(MessageDescriptor descriptor, ReadOnlySpan<byte> message) => Check(descriptor, message, depth: 0);

    private static void Check(MessageDescriptor descriptor, ReadOnlySpan<byte> message, int depth)
    {
        if (depth > MaxDepth)
        {
            throw new MalformedMessageException($"Messages are nested more than {MaxDepth} deep.");
        }

        var reader = new WireReader(message);
        while (!reader.End)
        {
            var (field, wireType) = reader.ReadTag();
            if (wireType != 2)
            {
                reader.Skip(wireType);
                continue;
            }

            var (start, length) = reader.ReadDelimited();
            if (descriptor.FindFieldByNumber(field) is { FieldType: FieldType.Message or FieldType.Group } embedded)
            {
                Check(embedded.MessageType, message.Slice(start, length), depth + 1);
            }
        }
    }
}
