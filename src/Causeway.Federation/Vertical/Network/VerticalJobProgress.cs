namespace Causeway.Federation.Vertical.Network;

/// <summary>How far a vertical job is: <paramref name="Stage"/> psi (IDs processed) or train (batches done).</summary>
public sealed record VerticalJobProgress(string Stage, long Done, long Total);
