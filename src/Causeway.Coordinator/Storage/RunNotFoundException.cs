namespace Causeway.Coordinator.Storage;

/// <summary>Thrown when an operation names a run the store does not hold.</summary>
public sealed class RunNotFoundException : KeyNotFoundException
{
    public RunNotFoundException()
    {
        RunId = string.Empty;
    }

    public RunNotFoundException(string runId)
        : base($"The store holds no run '{runId}'.")
    {
        RunId = runId;
    }

    public RunNotFoundException(string message, Exception innerException)
        : base(message, innerException)
    {
        RunId = string.Empty;
    }

    private RunNotFoundException(string runId, string message, Exception? innerException)
        : base(message, innerException)
    {
        RunId = runId;
    }

    public string RunId { get; }

    internal static RunNotFoundException For(string runId, Exception? innerException) =>
        new(runId, $"The store holds no run '{runId}'.", innerException);
}
