using System.Globalization;
using Causeway.Coordinator.Storage;
using Causeway.Federation.Horizontal;
using static Causeway.EndToEnd.Tests.Storage.StorageTestData;

namespace Causeway.EndToEnd.Tests.Storage;

/// <summary>
/// The store contract plus what only a SQL database has, checked with raw SQL: the schema_version table, migrations
/// applied exactly once (also by stores opening together), refusal of a schema newer than the code, and rows written
/// under an older schema read back after the migration.
/// </summary>
public abstract class RelationalRunStoreConformanceTests : RunStoreConformanceTests
{
    /// <summary>The schema version the code migrates to (SqliteDialect and PostgresDialect hold this many migrations).</summary>
    private const long SchemaVersion = 9;

    /// <summary>The rounds columns migration 5 added, so dropping them puts a database back at version 4.</summary>
    private static readonly string[] s_version5RoundColumns = ["eval_examples", "roc_auc", "f1", "rmse", "mae", "slowest_train_seconds", "problem"];

    /// <summary>Runs raw SQL against this test's database and returns the first column of the first row.</summary>
    protected abstract Task<object?> ScalarAsync(string sql);

    /// <summary>The <see cref="CrashChild"/> provider name and target (file or connection string) of this test's database.</summary>
    protected abstract (string Provider, string Target) CrashChildDatabase { get; }

    [StoreFact]
    public async Task LeaseHolderProcessKilled_AnotherStoreTakesTheLease()
    {
        var store = await OpenStoreAsync();
        string? holderWhileAlive = null;
        IStoreLease? leaseWhileAlive = null;

        await CrashChildProcess.KillLeaseHolderAsync(CrashChildDatabase.Provider, CrashChildDatabase.Target, async _ =>
        {
            holderWhileAlive = await store.GetLeaseHolderAsync(None);
            leaseWhileAlive = await store.TryAcquireLeaseAsync("coordinator B", None);
        });
        await using var taken = await EventuallyAcquireAsync(store, "coordinator B");

        Assert.Equal(CrashChild.LeaseHolder, holderWhileAlive);
        Assert.Null(leaseWhileAlive);
        Assert.Equal("coordinator B", taken.Holder);
        Assert.Equal("coordinator B", await store.GetLeaseHolderAsync(None));
    }

    [StoreFact]
    public async Task Open_EmptyDatabase_AppliesEveryMigrationOnce()
    {
        await OpenStoreAsync();
        await OpenStoreAsync(); // A reopen must not migrate twice.

        Assert.Equal(SchemaVersion, await ScalarInt64Async("SELECT MAX(version) FROM schema_version"));
        Assert.Equal(SchemaVersion, await ScalarInt64Async("SELECT COUNT(*) FROM schema_version"));
    }

    [StoreFact]
    public async Task Open_FourStoresConcurrentlyOnEmptyDatabase_MigrateExactlyOnce()
    {
        var stores = await Task.WhenAll(Enumerable.Range(0, 4).Select(_ => OpenStoreAsync()));

        Assert.Equal(SchemaVersion, await ScalarInt64Async("SELECT COUNT(*) FROM schema_version"));
        await stores[0].CreateRunAsync("run-1", "r", "{}", T0, None);
        Assert.Equal("run-1", (await stores[3].GetRunAsync("run-1", None))!.RunId);
    }

    [StoreFact]
    public async Task Open_SchemaNewerThanCode_Throws()
    {
        await OpenStoreAsync();
        await ScalarAsync("INSERT INTO schema_version (version, applied_at) SELECT 99, applied_at FROM schema_version WHERE version = 1");

        var error = await Assert.ThrowsAsync<InvalidOperationException>(() => OpenStoreAsync());
        Assert.Contains("schema version 99", error.Message, StringComparison.Ordinal);
    }

    [StoreFact]
    public async Task Open_DatabaseAtVersion4WithARound_MigratesTo5_OldRoundReadsNullNewMetrics()
    {
        var store = await OpenStoreAsync();
        await store.CreateRunAsync("run-1", "r", "{}", T0, None);
        await store.CloseRoundAsync(Round("run-1", 1), CheckpointFor(1), None);

        // Back to version 4: the columns migration 5 added, and their values, are gone; the round's other columns stay.
        foreach (var column in s_version5RoundColumns)
        {
            await ScalarAsync($"ALTER TABLE rounds DROP COLUMN {column}");
        }

        await DropColumnsSinceVersion7Async();
        await ScalarAsync("DELETE FROM schema_version WHERE version >= 5");

        var migrated = await OpenStoreAsync();
        await migrated.CloseRoundAsync(Round("run-1", 2), CheckpointFor(2), None);
        var rounds = await migrated.GetRoundsAsync("run-1", None);

        Assert.Equal(SchemaVersion, await ScalarInt64Async("SELECT MAX(version) FROM schema_version"));
        var withoutVersion5Metrics = Round("run-1", 1) with
        {
            EvaluationExamples = null,
            RocAuc = null,
            F1 = null,
            Rmse = null,
            Mae = null,
            SlowestTrainSeconds = null,
            Problem = null,
        };
        Assert.Equal(2, rounds.Count);
        AssertRoundEqual(withoutVersion5Metrics, rounds[0]);
        AssertRoundEqual(Round("run-1", 2), rounds[1]);
        AssertBitExact(Parameters(1), (await migrated.LoadCheckpointAsync("run-1", 1, None))!.Global);
    }

    [StoreFact]
    public async Task Open_DatabaseAtVersion5WithAStoppedRun_MigratesTo6_RunReadsAsRunning()
    {
        // Before version 6 only a coordinator's shutdown stored "stopped": such a run is interrupted, and resumes at start-up.
        var store = await OpenStoreAsync();
        await store.CreateRunAsync("run-1", "r", "{}", T0, None);
        await store.CreateRunAsync("run-2", "r", "{}", T0, None);
        await store.SetRunStatusAsync("run-1", RunStatus.Running, null, T0.AddMinutes(1), None);
        await store.SetRunStatusAsync("run-1", RunStatus.Stopped, "the coordinator stopped; the run resumes from its last closed round", T0.AddMinutes(2), None);
        await store.SetRunStatusAsync("run-2", RunStatus.Running, null, T0.AddMinutes(1), None);
        await store.SetRunStatusAsync("run-2", RunStatus.Failed, "boom", T0.AddMinutes(2), None);
        await DropColumnsSinceVersion7Async();
        await ScalarAsync("DELETE FROM schema_version WHERE version >= 6");

        var migrated = await OpenStoreAsync();

        Assert.Equal(SchemaVersion, await ScalarInt64Async("SELECT MAX(version) FROM schema_version"));
        (RunStatus, string?)[] expected = [(RunStatus.Running, "the coordinator stopped; the run resumes from its last closed round"), (RunStatus.Failed, "boom")];
        Assert.Equal(expected, (await migrated.ListRunsAsync(None)).Select(r => (r.Status, r.StatusMessage)));
    }

    [StoreFact]
    public async Task Open_DatabaseAtVersion6_MigratesTo7_OldPartyRowsReadWithoutVersions()
    {
        var store = await OpenStoreAsync();
        await store.CreateRunAsync("run-1", "r", "{}", T0, None);
        await store.CloseRoundAsync(Round("run-1", 1), CheckpointFor(1), None);
        await DropColumnsSinceVersion7Async();
        await ScalarAsync("DELETE FROM schema_version WHERE version >= 7");

        var migrated = await OpenStoreAsync();
        var versioned = Round("run-1", 2) with
        {
            Parties = [new PartyRoundRecord(new Causeway.Federation.PartyId("a"), PartyOutcome.Accepted, null, 40, 0.5, 4096, TrainedOnVersion: 0, AppliedToVersion: 1, StalenessWeight: 0.7071067811865476)],
        };
        await migrated.CloseRoundAsync(versioned, CheckpointFor(2), None);
        var rounds = await migrated.GetRoundsAsync("run-1", None);

        Assert.Equal(SchemaVersion, await ScalarInt64Async("SELECT MAX(version) FROM schema_version"));
        AssertRoundEqual(Round("run-1", 1), rounds[0]);
        Assert.All(rounds[0].Parties, p => Assert.Equal((null, null, null), (p.TrainedOnVersion, p.AppliedToVersion, p.StalenessWeight)));
        AssertRoundEqual(versioned, rounds[1]);
        Assert.Equal(1, await ScalarInt64Async("SELECT staleness FROM party_rounds WHERE round = 2"));
    }

    [StoreFact]
    public async Task Open_DatabaseAtVersion7_MigratesTo8_OldRoundsReadWithoutPartyEvaluations()
    {
        var store = await OpenStoreAsync();
        await store.CreateRunAsync("run-1", "r", "{}", T0, None);
        await store.CloseRoundAsync(Round("run-1", 1), CheckpointFor(1), None);
        await ScalarAsync("ALTER TABLE rounds DROP COLUMN party_evaluations_json");
        await ScalarAsync("ALTER TABLE runs DROP COLUMN reference_json");
        await ScalarAsync("DELETE FROM schema_version WHERE version >= 8");

        var migrated = await OpenStoreAsync();
        var evaluated = Round("run-1", 2) with
        {
            PartyEvaluations = [new PartyEvaluation(new Causeway.Federation.PartyId("a"), new Causeway.Core.Metrics.Evaluation(50, 0.25, Accuracy: 0.9))],
        };
        await migrated.CloseRoundAsync(evaluated, CheckpointFor(2), None);
        var rounds = await migrated.GetRoundsAsync("run-1", None);

        Assert.Equal(SchemaVersion, await ScalarInt64Async("SELECT MAX(version) FROM schema_version"));
        Assert.Empty(rounds[0].PartyEvaluations);
        AssertRoundEqual(evaluated, rounds[1]);
    }

    [Fact]
    public async Task Open_DatabaseAtVersion8_MigratesTo9_OldRunReadsWithoutReference_AndTakesOne()
    {
        const string Reference = """{"label":"centralised","metrics":{"eval_accuracy":0.85}}""";
        var store = await OpenStoreAsync();
        await store.CreateRunAsync("run-1", "r", "{}", T0, None);
        await ScalarAsync("ALTER TABLE runs DROP COLUMN reference_json");
        await ScalarAsync("DELETE FROM schema_version WHERE version = 9");

        var migrated = await OpenStoreAsync();
        var before = await migrated.GetRunAsync("run-1", None);
        await migrated.SaveRunReferenceAsync("run-1", Reference, None);
        var after = await migrated.GetRunAsync("run-1", None);

        Assert.Equal(SchemaVersion, await ScalarInt64Async("SELECT MAX(version) FROM schema_version"));
        Assert.Null(before!.ReferenceJson);
        Assert.Equal(Reference, after!.ReferenceJson);
        await Assert.ThrowsAsync<RunNotFoundException>(() => migrated.SaveRunReferenceAsync("run-2", "{}", None));
    }

    // Back to version 6: the columns versions 7 to 9 added are gone (drop the version rows too).
    private async Task DropColumnsSinceVersion7Async()
    {
        foreach (var column in new[] { "trained_on_version", "applied_to_version", "staleness", "staleness_weight" })
        {
            await ScalarAsync($"ALTER TABLE party_rounds DROP COLUMN {column}");
        }

        await ScalarAsync("ALTER TABLE rounds DROP COLUMN party_evaluations_json");
        await ScalarAsync("ALTER TABLE runs DROP COLUMN reference_json");
    }

    private async Task<long> ScalarInt64Async(string sql) => Convert.ToInt64(await ScalarAsync(sql), CultureInfo.InvariantCulture);
}
