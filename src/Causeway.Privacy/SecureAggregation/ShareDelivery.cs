namespace Causeway.Privacy.SecureAggregation;

/// <summary>
/// Round 1 close, server → party <paramref name="To"/>: the shares addressed to it from every party that completed
/// round 1 (U2). The senders of these shares are exactly the peers the recipient masks against.
/// </summary>
public sealed record ShareDelivery(int To, IReadOnlyList<EncryptedShare> Shares);
