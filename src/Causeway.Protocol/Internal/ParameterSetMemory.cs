using System.Buffers;
using System.Runtime.InteropServices;
using Causeway.Core.Tensors;

namespace Causeway.Protocol.Internal;

/// <summary>Exposes a range of a <see cref="ParameterSet"/>'s values as bytes without copying them.</summary>
/// <remarks>
/// The span is recomputed from the set on every call, so the manager never holds an interior pointer.
/// Pinning is not supported: <see cref="Google.Protobuf.ByteString"/> only reads <c>Span</c> when writing.
/// Valid only on little-endian machines (the codec checks).
/// </remarks>
internal sealed class ParameterSetMemory(ParameterSet set, int start, int length) : MemoryManager<byte>
{
    public override Span<byte> GetSpan() => MemoryMarshal.AsBytes(set.Values.Slice(start, length));

    public override MemoryHandle Pin(int elementIndex = 0) =>
        throw new NotSupportedException("Parameter memory cannot be pinned; read it through Span.");

    public override void Unpin()
    {
    }

    protected override void Dispose(bool disposing)
    {
    }
}
