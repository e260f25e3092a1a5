using Causeway.Federation;

namespace Causeway.Coordinator.Storage;

/// <summary>
/// The coordinator's durable state: runs, closed rounds with their per-party metrics, checkpoints, and the
/// party registry. <see cref="SqliteRunStore"/> and <see cref="PostgresRunStore"/> implement it with one
/// schema, <see cref="InMemoryRunStore"/> without durability, all three with the same semantics.
/// </summary>
/// <remarks>
/// Crash safety: <see cref="CloseRoundAsync"/> writes a round's metrics, its party rows and its checkpoint in
/// one transaction, so a coordinator killed at any point resumes (through <see cref="LoadLatestCheckpointAsync"/>)
/// from the last round whose transaction committed, and sees none of a round that did not.
/// All members are thread-safe; each call of a relational store uses its own connection.
/// JSON arguments (run configuration, setup) may carry comments and trailing commas and are stored verbatim.
/// Every member reports its errors, invalid arguments included, through the returned task; none throws from the call.
/// </remarks>
public interface IRunStore : IAsyncDisposable
{
    /// <summary>Stores a new run in status <see cref="RunStatus.Pending"/>.</summary>
    /// <exception cref="RunAlreadyExistsException">The id is taken; the stored run is unchanged.</exception>
    /// <exception cref="ArgumentException"><paramref name="configJson"/> is not a JSON document.</exception>
    Task<RunRecord> CreateRunAsync(string runId, string name, string configJson, DateTimeOffset createdAt, CancellationToken cancellationToken);

    /// <summary>Returns the run, or null when the store holds none with that id.</summary>
    Task<RunRecord?> GetRunAsync(string runId, CancellationToken cancellationToken);

    /// <summary>
    /// Stores what every party of the run agreed on at its start (model, schema, merged feature statistics, as JSON
    /// defined by the run driver), so a resumed run continues with exactly the same setup.
    /// </summary>
    /// <exception cref="RunNotFoundException">No such run.</exception>
    /// <exception cref="InvalidOperationException">The run already has a setup; it is unchanged.</exception>
    /// <exception cref="ArgumentException"><paramref name="setupJson"/> is not a JSON document.</exception>
    Task SaveRunSetupAsync(string runId, string setupJson, CancellationToken cancellationToken);

    /// <summary>
    /// Stores (or replaces) the run's reference figures: metrics of a model the operator trained elsewhere for comparison,
    /// such as a centralised model in a simulation (JSON defined by the control API). They annotate the run; training
    /// never reads them.
    /// </summary>
    /// <exception cref="RunNotFoundException">No such run.</exception>
    /// <exception cref="ArgumentException"><paramref name="referenceJson"/> is not a JSON document.</exception>
    Task SaveRunReferenceAsync(string runId, string referenceJson, CancellationToken cancellationToken);

    /// <summary>Returns every run, oldest first (ties broken by id in code point order, the byte order of its UTF-8).</summary>
    Task<IReadOnlyList<RunRecord>> ListRunsAsync(CancellationToken cancellationToken);

    /// <summary>Changes a run's status and message, atomically checking <see cref="RunStatusTransitions.IsAllowed"/>.</summary>
    /// <exception cref="RunNotFoundException">No such run.</exception>
    /// <exception cref="InvalidOperationException">The transition is not allowed; nothing changed.</exception>
    Task<RunRecord> SetRunStatusAsync(string runId, RunStatus status, string? message, DateTimeOffset changedAt, CancellationToken cancellationToken);

    /// <summary>
    /// In one transaction: stores the round's metrics row, one row per party, and the checkpoint
    /// (and, with <see cref="RunStoreOptions.CheckpointsToKeep"/>, deletes checkpoints that fell out of the window).
    /// </summary>
    /// <exception cref="RoundAlreadyClosedException">The round was closed before; nothing was overwritten.</exception>
    /// <exception cref="RunNotFoundException">No such run; nothing was written.</exception>
    Task CloseRoundAsync(RoundRecord round, Checkpoint checkpoint, CancellationToken cancellationToken);

    /// <summary>
    /// Returns the run's closed rounds in round order, each with its party rows in the order they were given
    /// (an unknown run has none).
    /// </summary>
    Task<IReadOnlyList<RoundRecord>> GetRoundsAsync(string runId, CancellationToken cancellationToken);

    /// <summary>Returns the checkpoint of the run's last closed round, or null when no round was closed.</summary>
    /// <exception cref="InvalidDataException">A stored blob is corrupt.</exception>
    Task<StoredCheckpoint?> LoadLatestCheckpointAsync(string runId, CancellationToken cancellationToken);

    /// <summary>
    /// Returns the checkpoint written when <paramref name="round"/> closed, or null when that round is not closed
    /// or its checkpoint was pruned (<see cref="RunStoreOptions.CheckpointsToKeep"/>).
    /// </summary>
    Task<StoredCheckpoint?> LoadCheckpointAsync(string runId, int round, CancellationToken cancellationToken);

    /// <summary>
    /// Charges a release of differentially private statistics to its run's budget: in one transaction, sums the ε and δ
    /// of the run's earlier releases and, only when adding <paramref name="release"/>'s stays within
    /// <paramref name="epsilonLimit"/> and <paramref name="deltaLimit"/> (basic composition), records it.
    /// </summary>
    /// <exception cref="RunNotFoundException">No such run; nothing was written.</exception>
    Task<StatisticsBudgetCharge> ChargeStatisticsReleaseAsync(
        string runId, StatisticsReleaseCost release, double epsilonLimit, double deltaLimit, CancellationToken cancellationToken);

    /// <summary>What the run's statistics releases have spent (zero for a run without releases, or an unknown run).</summary>
    Task<StatisticsBudgetSpent> GetStatisticsSpentAsync(string runId, CancellationToken cancellationToken);

    /// <summary>Registers a party, or updates its token hash and last-seen time when the federation already knows it.</summary>
    Task<PartyRecord> UpsertPartyAsync(string federation, PartyId party, string tokenHash, DateTimeOffset lastSeen, CancellationToken cancellationToken);

    /// <summary>Returns the party, or null when the federation does not know it.</summary>
    Task<PartyRecord?> GetPartyAsync(string federation, PartyId party, CancellationToken cancellationToken);

    /// <summary>Returns the federation's parties ordered by id (code point order, the byte order of its UTF-8).</summary>
    Task<IReadOnlyList<PartyRecord>> ListPartiesAsync(string federation, CancellationToken cancellationToken);

    /// <summary>
    /// Takes the store's coordinator lease (<see cref="IStoreLease"/>) when nobody holds it, without waiting; from then on
    /// this instance's writes of run state are fenced by it (they throw <see cref="StoreLeaseLostException"/> once it is
    /// lost or disposed). Returns null when it is held, by another process or another store instance (this one included).
    /// </summary>
    /// <param name="holder">How the holder describes itself to standbys, e.g. <c>https://10.0.0.5:7443 (pid 4242 on db-a)</c>.</param>
    /// <param name="cancellationToken">Cancels the attempt.</param>
    Task<IStoreLease?> TryAcquireLeaseAsync(string holder, CancellationToken cancellationToken);

    /// <summary>
    /// Who holds the store's lease now (its <see cref="IStoreLease.Holder"/>, or what the database shows of it), or null
    /// when nobody does. For messages only: the answer may be stale by the time it is read.
    /// </summary>
    Task<string?> GetLeaseHolderAsync(CancellationToken cancellationToken);
}
