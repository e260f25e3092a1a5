using Causeway.Privacy.SecureAggregation;

namespace Causeway.Federation.Horizontal.Protection;

/// <summary>Secure aggregation round 0, coordinator → party: the session's public parameters and the party's index; the party answers <see cref="SecureAggregationKeys"/>.</summary>
/// <param name="Label">The session label (run and round): it salts every key derivation.</param>
/// <param name="Parties">N, the parties selected this round.</param>
/// <param name="Threshold">t, the Shamir threshold.</param>
/// <param name="Length">The model's parameter count.</param>
/// <param name="Scale">The fixed-point scale S.</param>
/// <param name="ClipBound">The clip bound C of every coordinate.</param>
/// <param name="Index">The receiving party's index in 0..N−1.</param>
public sealed record SecureAggregationAdvertise(string Label, int Parties, int Threshold, int Length, double Scale, double ClipBound, int Index) : ProtocolMessage
{
    public override string Name => "secagg-advertise";

    /// <summary>The kernel's options for this session.</summary>
    public SecureAggregationOptions ToOptions() => new(Label, Parties, Threshold, Length, new FixedPointQuantization(Scale, ClipBound));
}
