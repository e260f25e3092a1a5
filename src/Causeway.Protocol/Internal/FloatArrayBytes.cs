using System.Buffers;
using System.Runtime.InteropServices;

namespace Causeway.Protocol.Internal;

/// <summary>A range of a float array seen as bytes, so a stream can read straight into it.</summary>
internal sealed class FloatArrayBytes(float[] array, int start, int length) : MemoryManager<byte>
{
    public override Span<byte> GetSpan() => MemoryMarshal.AsBytes(array.AsSpan(start, length));

    public override MemoryHandle Pin(int elementIndex = 0)
    {
        var handle = GCHandle.Alloc(array, GCHandleType.Pinned);
        unsafe
        {
            var pointer = (byte*)handle.AddrOfPinnedObject() + ((long)start * sizeof(float)) + elementIndex;
            return new MemoryHandle(pointer, handle);
        }
    }

    public override void Unpin()
    {
    }

    protected override void Dispose(bool disposing)
    {
    }
}
