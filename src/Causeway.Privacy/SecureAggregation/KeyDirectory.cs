namespace Causeway.Privacy.SecureAggregation;

/// <summary>Round 0 close, server → every party: the keys of the parties that advertised (U1), ordered by index.</summary>
public sealed record KeyDirectory(IReadOnlyList<AdvertisedKeys> Keys);
