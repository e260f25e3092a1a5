using Causeway.Core.Tensors;

namespace Causeway.Coordinator.Storage;

/// <summary>
/// The data behind <see cref="InMemoryRunStore"/> instances: what the database file is to <see cref="SqliteRunStore"/>.
/// Every store opened on one instance sees the same runs, as coordinators reopening one database do.
/// </summary>
/// <remarks>
/// Two locks, as in a database with one writer and snapshot readers: <see cref="WriteLock"/> makes writers take turns
/// and may be held across an await (a round's <c>BeforeCommit</c>); <see cref="Gate"/> guards the collections and
/// is held only for short synchronous reads and commits, so readers never wait for a writer's transaction.
/// Everything stored is immutable or owned by the database: records are immutable, parameter sets are private copies.
/// </remarks>
internal sealed class InMemoryRunDatabase
{
    /// <summary>Held by one writer at a time, from its first check to its commit.</summary>
    public SemaphoreSlim WriteLock { get; } = new(1, 1);

    /// <summary>Guards <see cref="Runs"/>, <see cref="Parties"/> and <see cref="Lease"/>, and everything in them.</summary>
    public Lock Gate { get; } = new();

    /// <summary>The runs by id (ordinal, like the databases' binary keys).</summary>
    public Dictionary<string, RunEntry> Runs { get; } = new(StringComparer.Ordinal);

    /// <summary>The coordinator lease, while a store instance on this database holds it (guarded by <see cref="Gate"/>).</summary>
    public InMemoryStoreLease? Lease { get; set; }

    /// <summary>Each federation's parties by party id.</summary>
    public Dictionary<string, Dictionary<string, PartyRecord>> Parties { get; } = new(StringComparer.Ordinal);

    /// <summary>One run and what hangs off it (the rows that reference it in the relational schema).</summary>
    internal sealed class RunEntry(RunRecord record)
    {
        public RunRecord Record { get; set; } = record;

        /// <summary>Closed rounds by number: NaN already null, time truncated, <see cref="RoundRecord.Privacy"/> null (see <see cref="StoredRound"/>).</summary>
        public SortedList<int, StoredRound> Rounds { get; } = [];

        /// <summary>The kept checkpoints by round number.</summary>
        public SortedList<int, StoredParameters> Checkpoints { get; } = [];

        /// <summary>The statistics releases in the order they were charged.</summary>
        public List<StatisticsReleaseCost> Releases { get; } = [];
    }

    /// <summary>A closed round, with its privacy kept as the JSON the relational stores write, so it reads back the same way.</summary>
    internal sealed record StoredRound(RoundRecord Round, string? PrivacyJson, string? PartyEvaluationsJson);

    /// <summary>A checkpoint's parameter sets: copies nobody outside the database holds.</summary>
    internal sealed record StoredParameters(ParameterSet Global, ParameterSet? OptimizerState, string? PrivacyState);
}
