using System.Numerics;

namespace Causeway.Federation.Vertical.Training;

/// <summary>Key holder → party: the decrypted masked gradient sums, in [0, n), in the order they were sent.</summary>
/// <param name="Batch">The batch number.</param>
/// <param name="Values">The decrypted values gⱼ + rⱼ mod n.</param>
public sealed record DecryptedGradientMessage(long Batch, IReadOnlyList<BigInteger> Values);
