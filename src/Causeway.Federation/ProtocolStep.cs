namespace Causeway.Federation;

/// <summary>One request of a protected round's protocol, sent to one party outside its train task.</summary>
/// <param name="Round">The run and round the step belongs to (the party keys its session state by it).</param>
/// <param name="Request">What the party is asked to do.</param>
public sealed record ProtocolStep(RoundInfo Round, ProtocolMessage Request);
