using System.Diagnostics;
using Google.Protobuf;

namespace Causeway.Protocol.Wire;

/// <summary>
/// Parses bytes from a peer with a generated protobuf parser, so that every malformed message is refused the same way:
/// with <see cref="MalformedMessageException"/>.
/// </summary>
/// <remarks>
/// Google.Protobuf documents <see cref="InvalidProtocolBufferException"/> for malformed input, but a nested length field
/// close to <see cref="int.MaxValue"/> overflows its limit arithmetic (a negative buffer size), after which it throws
/// <see cref="IndexOutOfRangeException"/> or <see cref="ArgumentOutOfRangeException"/> instead (protocolbuffers/protobuf#26856,
/// unfixed in 3.25 to 3.34; found by fuzz/ with <c>0A FFFFFFFF07 ...</c>), and may first allocate up to gigabytes.
/// <see cref="WireShape"/> refuses such lengths before the parser runs; should another path reach the bug, those two
/// exceptions thrown from inside Google.Protobuf are still taken as a malformed message (thrown by this project's code they
/// stay bugs).
/// </remarks>
public static class MessageParsing
{
    /// <summary>Parses one message of type <typeparamref name="T"/>.</summary>
    /// <exception cref="MalformedMessageException">The bytes are not a valid message.</exception>
    public static T Parse<T>(MessageParser<T> parser, ReadOnlySpan<byte> bytes)
        where T : IMessage<T>
    {
        ArgumentNullException.ThrowIfNull(parser);

        // The parser's empty message (the bytes of no fields), into which the checked bytes are merged.
        var message = parser.ParseFrom(ReadOnlySpan<byte>.Empty);
        Merge(message, bytes, typeof(T).Name);
        return message;
    }

    /// <summary>Merges the message in <paramref name="bytes"/> into <paramref name="target"/> (protobuf's rule for a repeated embedded message).</summary>
    /// <exception cref="MalformedMessageException">The bytes are not a valid message; the message starts "Invalid <paramref name="name"/>: ".</exception>
    public static void Merge(IMessage target, ReadOnlySpan<byte> bytes, string name)
    {
        ArgumentNullException.ThrowIfNull(target);
        try
        {
            WireShape.Check(target.Descriptor, bytes);
            target.MergeFrom(bytes);
        }
        catch (Exception e) when (e is MalformedMessageException || IsMalformed(e))
        {
            throw new MalformedMessageException($"Invalid {name}: {e.Message}", e);
        }
    }

    private static bool IsMalformed(Exception e) =>
        e is InvalidProtocolBufferException || (e is IndexOutOfRangeException or ArgumentOutOfRangeException && ThrownByProtobuf(e));

    // The first frame outside CoreLib (whose throw helpers and span slicing raise these for it) is Google.Protobuf's.
    private static bool ThrownByProtobuf(Exception e)
    {
        foreach (var frame in new StackTrace(e, fNeedFileInfo: false).GetFrames())
        {
            var assembly = frame.GetMethod()?.Module.Assembly;
            if (assembly != typeof(object).Assembly)
            {
                return assembly == typeof(MessageParser).Assembly;
            }
        }

        return false;
    }
}
