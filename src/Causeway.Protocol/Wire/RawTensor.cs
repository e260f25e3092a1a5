namespace Causeway.Protocol.Wire;

/// <summary>A tensor as received: its name, shape and a slice of the received bytes (not yet copied).</summary>
/// <param name="Name">The tensor's name.</param>
/// <param name="Shape">The dimensions as sent.</param>
/// <param name="Data">Little-endian float32 bytes; a view into the received body.</param>
public readonly record struct RawTensor(string Name, int[] Shape, ReadOnlyMemory<byte> Data);
