namespace Causeway.Federation.Vertical.Network;

/// <summary>What a vertical job produced; <paramref name="ResentSteps"/> counts steps re-sent after a party reconnected.</summary>
public sealed record VerticalJobResult(string Id, string Name, VerticalAlignmentSummary Alignment, VerticalTrainingSummary? Training, int ResentSteps);
