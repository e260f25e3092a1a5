namespace Causeway.Coordinator.Storage;

/// <summary>
/// Thrown when a round is closed twice. The store's unique key on (run, round) rejected the second write,
/// and the first one is unchanged.
/// </summary>
public sealed class RoundAlreadyClosedException : InvalidOperationException
{
    public RoundAlreadyClosedException()
    {
        RunId = string.Empty;
    }

    public RoundAlreadyClosedException(string message)
        : base(message)
    {
        RunId = string.Empty;
    }

    public RoundAlreadyClosedException(string message, Exception innerException)
        : base(message, innerException)
    {
        RunId = string.Empty;
    }

    public RoundAlreadyClosedException(string runId, int round, Exception? innerException)
        : base($"Round {round} of run '{runId}' is already closed; the stored round and checkpoint were left unchanged.", innerException)
    {
        RunId = runId;
        Round = round;
    }

    public string RunId { get; }

    public int Round { get; }
}
