namespace Causeway.Federation.Configuration;

/// <summary>How the parties' updates reach the model (<c>updates.mode</c>).</summary>
public enum UpdateMode
{
    /// <summary>Synchronous rounds: a cohort trains on the same model, the round waits for it (or its deadline).</summary>
    Sync,

    /// <summary>Asynchronous buffered aggregation (FedBuff): parties train when free, the model steps every K updates.</summary>
    Async,
}
