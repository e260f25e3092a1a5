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
