namespace Causeway.Coordinator.Runs;

/// <summary>
/// Turns a run configuration (the JSON body of <c>POST /api/runs</c>) into a run the coordinator can execute.
/// The composition root implements it with the federation's <c>RunConfig</c> and <c>RoundEngine</c>.
/// </summary>
public interface IRunDriver
{
    /// <summary>Parses and validates <paramref name="configJson"/>.</summary>
    /// <exception cref="ArgumentException">Or any other non-fatal exception: the configuration is invalid (answered with 400 and the message).</exception>
    IPreparedRun Prepare(string configJson);
}

/// <summary>A validated run, ready to execute against the connected parties.</summary>
public interface IPreparedRun
{
    /// <summary>A one-line description for logs and the control API, e.g. "FedAvg, logistic regression, 20 rounds".</summary>
    string Description { get; }

    int TotalRounds { get; }

    /// <summary>Runs every round through <see cref="RunContext.Channel"/>, reporting progress to the context.</summary>
    Task ExecuteAsync(RunContext context, CancellationToken cancellationToken);
}
