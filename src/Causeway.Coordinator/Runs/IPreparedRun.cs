namespace Causeway.Coordinator.Runs;

/// <summary>A validated run, ready to execute against the connected parties.</summary>
public interface IPreparedRun
{
    /// <summary>A one-line description for logs and the control API, e.g. "FedAvg, logistic regression, 20 rounds".</summary>
    string Description { get; }

    int TotalRounds { get; }

    /// <summary>Runs every round through <see cref="RunContext.Channel"/>, reporting progress to the context.</summary>
    /// <returns>Why the run completed before its last round (its privacy budget), or null when it ran every round.</returns>
    Task<string?> ExecuteAsync(RunContext context, CancellationToken cancellationToken);
}
