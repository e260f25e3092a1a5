using Causeway.Coordinator.Storage;
using Microsoft.Data.Sqlite;
using static Causeway.EndToEnd.Tests.Storage.StorageTestData;

namespace Causeway.EndToEnd.Tests.Storage;

/// <summary>The shared store suite against a SQLite file in a temporary directory, plus SQLite-only checks.</summary>
public sealed class SqliteRunStoreTests : RelationalRunStoreConformanceTests
{
    private readonly string _directory = Path.Combine(Path.GetTempPath(), "causeway-sqlite-" + Guid.NewGuid().ToString("N")[..12]);

    private string DatabasePath => Path.Combine(_directory, "coordinator.db");

    public override Task InitializeAsync()
    {
        Directory.CreateDirectory(_directory);
        return Task.CompletedTask;
    }

    public override async Task DisposeAsync()
    {
        await base.DisposeAsync();
        Directory.Delete(_directory, recursive: true);
    }

    protected override async Task<IRunStore> OpenStoreCoreAsync(RunStoreOptions? options) =>
        await SqliteRunStore.OpenAsync(DatabasePath, options, None);

    protected override void SetBeforeCommit(IRunStore store, Func<int, CancellationToken, Task>? hook) =>
        ((SqliteRunStore)store).BeforeCommit = hook;

    protected override Task KillLeaseHolderAsync(IStoreLease lease)
    {
        ((SqliteStoreLease)lease).CloseDescriptor();
        return Task.CompletedTask;
    }

    protected override (string Provider, string Target) CrashChildDatabase => ("sqlite", DatabasePath);

    protected override async Task<object?> ScalarAsync(string sql)
    {
        await using var connection = new SqliteConnection(new SqliteConnectionStringBuilder { DataSource = DatabasePath, Pooling = false }.ToString());
        await connection.OpenAsync();
        await using var command = connection.CreateCommand();
        command.CommandText = sql;
        return await command.ExecuteScalarAsync();
    }

    [Fact]
    public async Task Open_NewFile_CreatesFileInWalMode()
    {
        var store = (SqliteRunStore)await OpenStoreAsync();

        Assert.Equal(Path.GetFullPath(DatabasePath), store.DatabasePath);
        Assert.True(File.Exists(DatabasePath));
        Assert.Equal("wal", await ScalarAsync("PRAGMA journal_mode"));
    }

    [Fact]
    public async Task Open_PathInMissingDirectory_CreatesDirectoryAndFile()
    {
        var path = Path.Combine(_directory, "state", "nested", "coordinator.db");

        await using var store = await SqliteRunStore.OpenAsync(path, null, None);
        await store.CreateRunAsync("run-1", "r", "{}", T0, None);

        Assert.True(File.Exists(path));
        Assert.Equal("run-1", Assert.Single(await store.ListRunsAsync(None)).RunId);
    }

    [Fact]
    public async Task LeaseFileDeleted_TheHolderCountsItsLeaseLost_AndANewHolderLocksANewFile()
    {
        var active = await OpenStoreAsync();
        var standby = await OpenStoreAsync();
        await using var lease = await active.TryAcquireLeaseAsync("coordinator A", None);
        Assert.NotNull(lease);
        await active.CreateRunAsync("run-1", "r", "{}", T0, None);
        var leaseFile = DatabasePath + "-lease";
        Assert.True(File.Exists(leaseFile));

        // Deleted under a live holder, the file no longer excludes anyone: the next coordinator locks a new one.
        File.Delete(leaseFile);
        await using var taken = await standby.TryAcquireLeaseAsync("coordinator B", None);

        Assert.NotNull(taken);
        await Assert.ThrowsAsync<StoreLeaseLostException>(() => active.SetRunStatusAsync("run-1", RunStatus.Running, null, T0, None));
        Assert.True(lease.Lost.IsCancellationRequested);
        Assert.Equal(RunStatus.Pending, (await standby.GetRunAsync("run-1", None))!.Status);
        Assert.Equal("coordinator B", await active.GetLeaseHolderAsync(None));
    }

    [Fact]
    public async Task ChildProcessKilledBeforeCommit_Reopen_ResumesFromRound3WithoutRound4()
    {
        await CrashChildProcess.RunUntilKilledAsync("sqlite", DatabasePath);

        // Round 4's 4 MiB checkpoint does not fit SQLite's 2 MiB page cache, so uncommitted pages spilled into the
        // WAL file before the kill (rounds 1..3 need a few pages): recovery really had to discard a partial write.
        var walBytes = new FileInfo(DatabasePath + "-wal").Length;
        Assert.True(walBytes > 1 << 20, $"The WAL holds only {walBytes} bytes.");

        var store = await OpenStoreAsync();
        var resumed = await store.LoadLatestCheckpointAsync(CrashChild.RunId, None);
        Assert.Equal(3, resumed!.LastClosedRound);
        AssertBitExact(Parameters(3), resumed.Global);
        AssertBitExact(Parameters(1003), resumed.OptimizerState!);
        Assert.Equal([1, 2, 3], (await store.GetRoundsAsync(CrashChild.RunId, None)).Select(r => r.Round));
        Assert.Null(await store.LoadCheckpointAsync(CrashChild.RunId, 4, None));
        Assert.Equal(0L, await ScalarAsync("SELECT COUNT(*) FROM party_rounds WHERE round = 4"));
        Assert.Equal(RunStatus.Running, (await store.GetRunAsync(CrashChild.RunId, None))!.Status);

        await store.CloseRoundAsync(CrashChild.Round4, CheckpointFor(4), None);
        Assert.Equal(4, (await store.LoadLatestCheckpointAsync(CrashChild.RunId, None))!.LastClosedRound);
    }
}
