using Causeway.Core.Metrics;

namespace Causeway.Federation.Horizontal;

/// <summary>
/// What a party learns after an evaluation round: the global model's metrics over every party's evaluation rows (the
/// combination <see cref="FederatedEvaluator"/> made) and its own. No other party's metrics or rows are in it.
/// </summary>
/// <param name="Round">The evaluated round.</param>
/// <param name="Federation">The federation's metrics.</param>
/// <param name="Yours">The receiving party's own metrics, as it reported them.</param>
public sealed record EvaluationReport(int Round, Evaluation Federation, Evaluation? Yours) : ProtocolMessage
{
    public override string Name => "evaluation report";
}

/// <summary>The party's acknowledgement of an <see cref="EvaluationReport"/>.</summary>
public sealed record EvaluationReportReceived : ProtocolMessage
{
    public override string Name => "evaluation report received";
}
