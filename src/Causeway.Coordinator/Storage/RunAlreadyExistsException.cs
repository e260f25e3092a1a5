namespace Causeway.Coordinator.Storage;

/// <summary>Thrown when a run is created with an id the store already holds; the stored run is unchanged.</summary>
public sealed class RunAlreadyExistsException : InvalidOperationException
{
    public RunAlreadyExistsException()
    {
        RunId = string.Empty;
    }

    public RunAlreadyExistsException(string runId)
        : base($"The store already holds a run '{runId}'.")
    {
        RunId = runId;
    }

    public RunAlreadyExistsException(string message, Exception innerException)
        : base(message, innerException)
    {
        RunId = string.Empty;
    }

    private RunAlreadyExistsException(string runId, string message, Exception? innerException)
        : base(message, innerException)
    {
        RunId = runId;
    }

    public string RunId { get; }

    internal static RunAlreadyExistsException For(string runId, Exception? innerException) =>
        new(runId, $"The store already holds a run '{runId}'.", innerException);
}
