namespace Causeway.Federation.Configuration;

/// <summary>The <c>"evaluation"</c> section.</summary>
public sealed record EvaluationConfig
{
    /// <summary>Evaluate the global model every this many rounds (0: after the last round only). Default 1.</summary>
    public int EveryRounds { get; init; } = 1;

    /// <summary>
    /// Also train a centralized baseline on the union of the training data and report it next to the federated
    /// result (simulation only). Default false.
    /// </summary>
    public bool Centralized { get; init; }
}
