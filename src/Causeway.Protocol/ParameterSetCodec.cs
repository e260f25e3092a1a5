using System.Buffers.Binary;
using System.Runtime.InteropServices;
using Causeway.Core.Tensors;
using Causeway.Protocol.Internal;
using Causeway.Protocol.Wire;
using Google.Protobuf;
using CoreParameterSet = Causeway.Core.Tensors.ParameterSet;
using WireParameterSet = Causeway.Protocol.V1.ParameterSet;

namespace Causeway.Protocol;

/// <summary>
/// Converts <see cref="CoreParameterSet"/> to and from the wire <c>causeway.v1.ParameterSet</c>: one
/// <c>Tensor {name, shape, data}</c> per layout entry, data as little-endian float32.
/// </summary>
/// <remarks>
/// Encoding wraps the set's own memory (no copy on little-endian machines): the returned message is only
/// valid while the set is not modified. Decoding copies each tensor's bytes once, straight into the new
/// set's flat buffer. Decoding against an expected layout rejects wrong names, shapes, order and sizes
/// with a message that names the tensor and never contains values.
/// </remarks>
public static class ParameterSetCodec
{
    /// <summary>Encodes <paramref name="set"/>; the message shares the set's memory on little-endian machines.</summary>
    public static WireParameterSet ToProto(CoreParameterSet set)
    {
        ArgumentNullException.ThrowIfNull(set);
        var message = new WireParameterSet();
        var tensors = set.Layout.Tensors;
        for (var i = 0; i < tensors.Count; i++)
        {
            var spec = tensors[i];
            var offset = set.Layout.OffsetAt(i);
            var tensor = new V1.Tensor { Name = spec.Name };
            tensor.Shape.AddRange(spec.Shape);
            tensor.Data = BitConverter.IsLittleEndian
                ? UnsafeByteOperations.UnsafeWrap(new ParameterSetMemory(set, offset, spec.Length).Memory)
                : UnsafeByteOperations.UnsafeWrap(ToLittleEndianBytes(set.Values.Slice(offset, spec.Length)));
            message.Tensors.Add(tensor);
        }

        return message;
    }

    /// <summary>Decodes a message, taking the layout from the message itself.</summary>
    /// <exception cref="MalformedMessageException">A tensor's name, shape or data size is invalid.</exception>
    public static CoreParameterSet FromProto(WireParameterSet message)
    {
        ArgumentNullException.ThrowIfNull(message);
        var specs = new List<TensorSpec>(message.Tensors.Count);
        foreach (var tensor in message.Tensors)
        {
            specs.Add(CreateSpec(tensor.Name, tensor.Shape));
        }

        ParameterLayout layout;
        try
        {
            layout = new ParameterLayout(specs);
        }
        catch (ArgumentException e)
        {
            throw new MalformedMessageException($"Invalid parameter set: {e.Message}", e);
        }

        return FromProto(message, layout);
    }

    /// <summary>Decodes a message that must have exactly the <paramref name="expected"/> layout.</summary>
    /// <exception cref="MalformedMessageException">The message's layout differs or a data size is wrong.</exception>
    public static CoreParameterSet FromProto(WireParameterSet message, ParameterLayout expected)
    {
        ArgumentNullException.ThrowIfNull(message);
        ArgumentNullException.ThrowIfNull(expected);
        var tensors = new RawTensor[message.Tensors.Count];
        for (var i = 0; i < tensors.Length; i++)
        {
            var tensor = message.Tensors[i];
            tensors[i] = new RawTensor(tensor.Name, [.. tensor.Shape], tensor.Data.Memory);
        }

        return Decode(tensors, expected);
    }

    /// <summary>Builds a set from raw tensors, taking the layout from their names and shapes (one copy of the data).</summary>
    /// <exception cref="MalformedMessageException">A name or shape is invalid, a name repeats, or a data size is wrong.</exception>
    public static CoreParameterSet Decode(IReadOnlyList<RawTensor> tensors)
    {
        ArgumentNullException.ThrowIfNull(tensors);
        var specs = new List<TensorSpec>(tensors.Count);
        foreach (var tensor in tensors)
        {
            specs.Add(CreateSpec(tensor.Name, tensor.Shape));
        }

        ParameterLayout layout;
        try
        {
            layout = new ParameterLayout(specs);
        }
        catch (ArgumentException e)
        {
            throw new MalformedMessageException($"Invalid parameter set: {e.Message}", e);
        }

        return Decode(tensors, layout);
    }

    /// <summary>
    /// Builds a set of the <paramref name="expected"/> layout from raw tensors (slices of a received body),
    /// copying each tensor's bytes once into the result.
    /// </summary>
    /// <exception cref="MalformedMessageException">Names, order, shapes or data sizes differ from the layout.</exception>
    public static CoreParameterSet Decode(IReadOnlyList<RawTensor> tensors, ParameterLayout expected)
    {
        ArgumentNullException.ThrowIfNull(tensors);
        ArgumentNullException.ThrowIfNull(expected);
        var specs = expected.Tensors;
        if (tensors.Count != specs.Count)
        {
            throw new MalformedMessageException($"Expected {specs.Count} tensors ({expected}), got {tensors.Count}.");
        }

        // Every tensor is checked before the set is allocated: the layout may come from the message itself, and its shapes
        // alone must not size an allocation that no data backs (found by fuzz/: 59 bytes asked for 4 GiB).
        for (var i = 0; i < specs.Count; i++)
        {
            var spec = specs[i];
            var tensor = tensors[i];
            if (!string.Equals(tensor.Name, spec.Name, StringComparison.Ordinal))
            {
                throw new MalformedMessageException($"Tensor {i}: expected '{spec.Name}', got '{Truncate(tensor.Name)}'.");
            }

            if (!ShapeEquals(tensor.Shape, spec.Shape))
            {
                throw new MalformedMessageException(
                    $"Tensor '{spec.Name}': expected shape [{string.Join('x', spec.Shape)}], got [{string.Join('x', tensor.Shape)}].");
            }

            if (tensor.Data.Length != (long)spec.Length * sizeof(float))
            {
                throw new MalformedMessageException(
                    $"Tensor '{spec.Name}': expected {(long)spec.Length * sizeof(float)} data bytes, got {tensor.Data.Length}.");
            }
        }

        var values = new float[expected.TotalLength];
        for (var i = 0; i < specs.Count; i++)
        {
            CopyLittleEndian(tensors[i].Data.Span, values.AsSpan(expected.OffsetAt(i), specs[i].Length));
        }

        return new CoreParameterSet(expected, values);
    }

    /// <summary>Reads little-endian float32 bytes into <paramref name="destination"/>.</summary>
    public static void CopyLittleEndian(ReadOnlySpan<byte> source, Span<float> destination)
    {
        if (source.Length != destination.Length * sizeof(float))
        {
            throw new ArgumentException("Source and destination sizes differ.", nameof(source));
        }

        if (BitConverter.IsLittleEndian)
        {
            source.CopyTo(MemoryMarshal.AsBytes(destination));
            return;
        }

        for (var i = 0; i < destination.Length; i++)
        {
            destination[i] = BinaryPrimitives.ReadSingleLittleEndian(source[(i * sizeof(float))..]);
        }
    }

    private static byte[] ToLittleEndianBytes(ReadOnlySpan<float> values)
    {
        var bytes = new byte[values.Length * sizeof(float)];
        for (var i = 0; i < values.Length; i++)
        {
            BinaryPrimitives.WriteSingleLittleEndian(bytes.AsSpan(i * sizeof(float)), values[i]);
        }

        return bytes;
    }

    private static TensorSpec CreateSpec(string name, IReadOnlyList<int> shape)
    {
        try
        {
            return new TensorSpec(name, shape);
        }
        catch (ArgumentException e)
        {
            throw new MalformedMessageException($"Invalid tensor '{Truncate(name)}': {e.Message}", e);
        }
    }

    private static bool ShapeEquals(IReadOnlyList<int> a, IReadOnlyList<int> b)
    {
        if (a.Count != b.Count)
        {
            return false;
        }

        for (var i = 0; i < a.Count; i++)
        {
            if (a[i] != b[i])
            {
                return false;
            }
        }

        return true;
    }

    private static string Truncate(string value) => value.Length <= 64 ? value : value[..64] + "...";
}
