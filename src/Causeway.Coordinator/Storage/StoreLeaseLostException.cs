namespace Causeway.Coordinator.Storage;

/// <summary>
/// Thrown by a write of a store whose lease (<see cref="IStoreLease"/>) was lost or given up: another coordinator may
/// own the store's runs now. Nothing was written.
/// </summary>
public sealed class StoreLeaseLostException : InvalidOperationException
{
    public StoreLeaseLostException()
        : base("This store's lease is no longer held; nothing was written.")
    {
    }

    public StoreLeaseLostException(string message)
        : base(message)
    {
    }

    public StoreLeaseLostException(string message, Exception innerException)
        : base(message, innerException)
    {
    }
}
