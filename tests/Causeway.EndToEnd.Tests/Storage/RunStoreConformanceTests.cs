using Causeway.Coordinator.Storage;
using Causeway.EndToEnd.Tests.Infrastructure;
using Causeway.Federation;
using static Causeway.EndToEnd.Tests.Storage.StorageTestData;

namespace Causeway.EndToEnd.Tests.Storage;

/// <summary>
/// The contract every <see cref="IRunStore"/> must meet, run once per store (SQLite, PostgreSQL, in memory). Each test
/// gets an empty database; <see cref="OpenStoreAsync"/> opens a new store instance on it (a second call is a reopen,
/// as after a restart). What only a SQL database has (schema versions, migrations) is in
/// <see cref="RelationalRunStoreConformanceTests"/>.
/// </summary>
public abstract partial class RunStoreConformanceTests : IAsyncLifetime
{
    private readonly List<IAsyncDisposable> _stores = [];

    protected static CancellationToken None => CancellationToken.None;

    public abstract Task InitializeAsync();

    public virtual async Task DisposeAsync()
    {
        foreach (var store in _stores)
        {
            await store.DisposeAsync();
        }
    }

    /// <summary>Opens a new store instance on this test's database.</summary>
    protected async Task<IRunStore> OpenStoreAsync(RunStoreOptions? options = null)
    {
        var store = await OpenStoreCoreAsync(options);
        _stores.Add((IAsyncDisposable)store);
        return store;
    }

    protected abstract Task<IRunStore> OpenStoreCoreAsync(RunStoreOptions? options);

    /// <summary>Sets the store's internal hook that runs inside CloseRoundAsync just before the commit.</summary>
    protected abstract void SetBeforeCommit(IRunStore store, Func<int, CancellationToken, Task>? hook);

    [StoreFact]
    public async Task CreateRun_ThenGet_ReturnsStoredValues()
    {
        var store = await OpenStoreAsync();

        var created = await store.CreateRunAsync("run-1", "Breast cancer FedAvg", """{"rounds":3}""", T0.AddTicks(15), None);
        var read = await store.GetRunAsync("run-1", None);

        var expected = new RunRecord
        {
            RunId = "run-1",
            Name = "Breast cancer FedAvg",
            ConfigJson = """{"rounds":3}""",
            Status = RunStatus.Pending,
            StatusMessage = null,
            CreatedAt = T0.AddTicks(10), // truncated to microseconds
            UpdatedAt = T0.AddTicks(10),
        };
        Assert.Equal(expected, created);
        Assert.Equal(expected, read);
        Assert.Equal(TimeSpan.Zero, read!.CreatedAt.Offset);
    }

    [StoreFact]
    public async Task CreateRun_DuplicateId_ThrowsAndKeepsFirst()
    {
        var store = await OpenStoreAsync();
        await store.CreateRunAsync("run-1", "first", "{}", T0, None);

        var error = await Assert.ThrowsAsync<RunAlreadyExistsException>(() => store.CreateRunAsync("run-1", "second", "[]", T0.AddHours(1), None));

        Assert.Equal("run-1", error.RunId);
        var run = await store.GetRunAsync("run-1", None);
        Assert.Equal(("first", "{}", T0), (run!.Name, run.ConfigJson, run.CreatedAt));
    }

    [StoreFact]
    public async Task CreateRun_ConfigNotJson_ThrowsArgumentException()
    {
        var store = await OpenStoreAsync();

        await Assert.ThrowsAsync<ArgumentException>(() => store.CreateRunAsync("run-1", "bad", "{rounds:", T0, None));
        await Assert.ThrowsAsync<ArgumentException>(() => store.CreateRunAsync("run-1", "two documents", "{} {}", T0, None));
        await Assert.ThrowsAsync<ArgumentException>(() => store.CreateRunAsync("run-1", "only a comment", "// {}", T0, None));

        Assert.Null(await store.GetRunAsync("run-1", None));
    }

    [StoreFact]
    public async Task CreateRun_ConfigWithCommentsAndTrailingCommas_StoredVerbatimAndReadBackUnchanged()
    {
        const string Config = """
            {
              // FedAvg on the adult census, as written by hand
              "rounds": 3, /* a block comment */
              "strategy": { "name": "fedavg", },
              "partition": [ 1, 2, ],
            }
            """;
        const string Setup = "{ \"model\": { \"inputs\": 3 }, // agreed by every party\n}";
        var sample = await File.ReadAllTextAsync(Path.Combine(CliRunner.RepositoryRoot(), "samples", "configs", "adult-fedavg.json"));
        Assert.Contains("//", sample, StringComparison.Ordinal); // the sample really is commented
        var store = await OpenStoreAsync();

        var created = await store.CreateRunAsync("run-1", "commented", Config, T0, None);
        await store.SaveRunSetupAsync("run-1", Setup, None);
        await store.CreateRunAsync("run-2", "sample", sample, T0.AddMinutes(1), None);
        var reopened = await OpenStoreAsync();
        var read = await reopened.GetRunAsync("run-1", None);

        Assert.Equal(Config, created.ConfigJson);
        Assert.Equal((Config, Setup), (read!.ConfigJson, read.SetupJson));
        Assert.Equal([Config, sample], (await reopened.ListRunsAsync(None)).Select(r => r.ConfigJson));
    }

    [StoreFact]
    public async Task SaveRunSetup_ThenGet_ReturnsItAndRefusesASecondOne()
    {
        var store = await OpenStoreAsync();
        await store.CreateRunAsync("run-1", "r", "{}", T0, None);
        Assert.Null((await store.GetRunAsync("run-1", None))!.SetupJson);

        await store.SaveRunSetupAsync("run-1", """{"model":{"inputs":3}}""", None);
        await Assert.ThrowsAsync<InvalidOperationException>(() => store.SaveRunSetupAsync("run-1", """{"model":{"inputs":4}}""", None));
        await Assert.ThrowsAsync<ArgumentException>(() => store.SaveRunSetupAsync("run-1", "{model:", None));
        await Assert.ThrowsAsync<RunNotFoundException>(() => store.SaveRunSetupAsync("run-2", "{}", None));

        Assert.Equal("""{"model":{"inputs":3}}""", (await store.GetRunAsync("run-1", None))!.SetupJson);
    }

    [StoreFact]
    public async Task SaveRunReference_ThenGet_ReturnsTheLatest_AndLeavesTheRestOfTheRunAlone()
    {
        var store = await OpenStoreAsync();
        await store.CreateRunAsync("run-1", "r", """{"rounds":3}""", T0, None);
        var created = (await store.GetRunAsync("run-1", None))!;

        await store.SaveRunReferenceAsync("run-1", """{"label":"a","metrics":{"eval_accuracy":0.5}}""", None);
        await store.SaveRunReferenceAsync("run-1", """{"label":"b","metrics":{"eval_accuracy":0.6}}""", None);
        await Assert.ThrowsAsync<ArgumentException>(() => store.SaveRunReferenceAsync("run-1", "{label:", None));
        await Assert.ThrowsAsync<RunNotFoundException>(() => store.SaveRunReferenceAsync("run-2", "{}", None));
        var run = (await store.GetRunAsync("run-1", None))!;

        Assert.Equal("""{"label":"b","metrics":{"eval_accuracy":0.6}}""", run.ReferenceJson);
        Assert.Equal(created with { ReferenceJson = run.ReferenceJson }, run);
    }

    [StoreFact]
    public async Task ListRuns_SeveralRuns_OldestFirstThenById()
    {
        var store = await OpenStoreAsync();
        await store.CreateRunAsync("run-c", "c", "{}", T0.AddMinutes(1), None);
        await store.CreateRunAsync("run-b", "b", "{}", T0, None);
        await store.CreateRunAsync("run-a", "a", "{}", T0.AddMinutes(1), None);

        var runs = await store.ListRunsAsync(None);

        Assert.Equal(["run-b", "run-a", "run-c"], runs.Select(r => r.RunId));
    }

    [StoreFact]
    public async Task ListRunsAndParties_IdsOutsideTheBasicPlane_OrderedByCodePointLikeTheirUtf8Bytes()
    {
        // U+FF21 (a fullwidth A) sorts before U+1F600 (an emoji) by code point and in UTF-8, but after it in UTF-16
        // ordinal order, where the emoji is the surrogate pair D83D DE00.
        string[] expected = ["run-z", "run-\uFF21", "run-\U0001F600"];
        var store = await OpenStoreAsync();
        foreach (var id in (string[])["run-\U0001F600", "run-\uFF21", "run-z"])
        {
            await store.CreateRunAsync(id, "r", "{}", T0, None);
            await store.UpsertPartyAsync("oncology", new PartyId(id), "h", T0, None);
        }

        Assert.Equal(expected, (await store.ListRunsAsync(None)).Select(r => r.RunId));
        Assert.Equal(expected, (await store.ListPartiesAsync("oncology", None)).Select(p => p.Party.Value));
    }

    [StoreFact]
    public async Task Times_WithSubMicrosecondTicksAndAnOffset_ReadBackAsUtcTruncatedToMicroseconds()
    {
        // 19 ticks = 1.9 µs: truncated (not rounded) to 1 µs; +02:00 converted to UTC.
        var local = T0.ToOffset(TimeSpan.FromHours(2)).AddTicks(19);
        var store = await OpenStoreAsync();
        await store.CreateRunAsync("run-1", "r", "{}", local, None);
        var running = await store.SetRunStatusAsync("run-1", RunStatus.Running, null, local.AddMinutes(1), None);
        await store.CloseRoundAsync(Round("run-1", 1) with { ClosedAt = local.AddMinutes(2) }, CheckpointFor(1), None);
        await store.UpsertPartyAsync("oncology", new PartyId("a"), "h", local.AddMinutes(3), None);
        var seen = await store.UpsertPartyAsync("oncology", new PartyId("a"), "h", local.AddMinutes(4), None);

        var reopened = await OpenStoreAsync();
        var run = await reopened.GetRunAsync("run-1", None);
        var round = Assert.Single(await reopened.GetRoundsAsync("run-1", None));
        var party = await reopened.GetPartyAsync("oncology", new PartyId("a"), None);

        var utc = T0.AddTicks(10);
        DateTimeOffset[] expected = [utc, utc.AddMinutes(1), utc.AddMinutes(1), utc.AddMinutes(2), utc.AddMinutes(3), utc.AddMinutes(4), utc.AddMinutes(4)];
        DateTimeOffset[] actual = [run!.CreatedAt, run.UpdatedAt, running.UpdatedAt, round.ClosedAt, party!.RegisteredAt, party.LastSeen, seen.LastSeen];
        Assert.Equal(expected, actual);
        Assert.All(actual, time => Assert.Equal(TimeSpan.Zero, time.Offset));
    }

    [StoreFact]
    public async Task InvalidArguments_FaultTheReturnedTask_InsteadOfThrowing()
    {
        var store = await OpenStoreAsync();

        Task[] calls =
        [
            store.GetRunAsync(" ", None),
            store.CreateRunAsync("run-1", "r", "not json", T0, None),
            store.LoadCheckpointAsync("run-1", 0, None),
            store.CloseRoundAsync(Round("run-1", 1) with { Selected = -1 }, CheckpointFor(1), None),
            store.ChargeStatisticsReleaseAsync("run-1", new StatisticsReleaseCost("laplace", 0, 0, T0), 1, 0, None),
            store.ListPartiesAsync(" ", None),
        ];

        foreach (var call in calls)
        {
            await Assert.ThrowsAnyAsync<ArgumentException>(() => call);
        }

        Assert.Empty(await store.ListRunsAsync(None));
    }

    [StoreFact]
    public async Task GetRun_Unknown_ReturnsNull()
    {
        var store = await OpenStoreAsync();

        Assert.Null(await store.GetRunAsync("nope", None));
    }

    [StoreFact]
    public async Task SetRunStatus_AllowedTransitions_StoresStatusMessageAndTime()
    {
        var store = await OpenStoreAsync();
        await store.CreateRunAsync("run-1", "r", "{}", T0, None);

        await store.SetRunStatusAsync("run-1", RunStatus.Running, null, T0.AddMinutes(1), None);
        await store.SetRunStatusAsync("run-1", RunStatus.Stopped, "stopped by operator", T0.AddMinutes(2), None);
        await store.SetRunStatusAsync("run-1", RunStatus.Running, "resumed", T0.AddMinutes(3), None);
        var returned = await store.SetRunStatusAsync("run-1", RunStatus.Completed, "3 rounds", T0.AddMinutes(4), None);
        var read = await store.GetRunAsync("run-1", None);

        Assert.Equal(returned, read);
        Assert.Equal((RunStatus.Completed, "3 rounds", T0, T0.AddMinutes(4)), (read!.Status, read.StatusMessage, read.CreatedAt, read.UpdatedAt));
    }

    [StoreFact]
    public async Task SetRunStatus_FromCompleted_ThrowsAndLeavesRunUnchanged()
    {
        var store = await OpenStoreAsync();
        await store.CreateRunAsync("run-1", "r", "{}", T0, None);
        await store.SetRunStatusAsync("run-1", RunStatus.Running, null, T0.AddMinutes(1), None);
        var completed = await store.SetRunStatusAsync("run-1", RunStatus.Completed, "done", T0.AddMinutes(2), None);

        var error = await Assert.ThrowsAsync<InvalidOperationException>(
            () => store.SetRunStatusAsync("run-1", RunStatus.Running, "again", T0.AddMinutes(3), None));

        Assert.Contains("completed to running", error.Message, StringComparison.Ordinal);
        Assert.Equal(completed, await store.GetRunAsync("run-1", None));
    }

    [StoreFact]
    public async Task SetRunStatus_BackToPending_Throws()
    {
        var store = await OpenStoreAsync();
        await store.CreateRunAsync("run-1", "r", "{}", T0, None);
        await store.SetRunStatusAsync("run-1", RunStatus.Running, null, T0, None);

        await Assert.ThrowsAsync<InvalidOperationException>(() => store.SetRunStatusAsync("run-1", RunStatus.Pending, null, T0, None));

        Assert.Equal(RunStatus.Running, (await store.GetRunAsync("run-1", None))!.Status);
    }

    [StoreFact]
    public async Task SetRunStatus_UnknownRun_ThrowsRunNotFound()
    {
        var store = await OpenStoreAsync();

        var error = await Assert.ThrowsAsync<RunNotFoundException>(() => store.SetRunStatusAsync("nope", RunStatus.Running, null, T0, None));

        Assert.Equal("nope", error.RunId);
    }

    [StoreFact]
    public async Task CloseRounds_ThenReopen_LatestCheckpointIsBitExact()
    {
        var store = await OpenStoreAsync();
        await store.CreateRunAsync("run-1", "r", "{}", T0, None);
        for (var round = 1; round <= 3; round++)
        {
            await store.CloseRoundAsync(Round("run-1", round), CheckpointFor(round), None);
        }

        var reopened = await OpenStoreAsync();
        var latest = await reopened.LoadLatestCheckpointAsync("run-1", None);

        Assert.NotNull(latest);
        Assert.Equal(("run-1", 3), (latest.RunId, latest.LastClosedRound));
        AssertBitExact(Parameters(3), latest.Global);
        AssertBitExact(Parameters(1003), latest.OptimizerState!);
        Assert.True(float.IsNaN(latest.Global.Values[0])); // the NaN payload survived, checked bitwise above
    }

    [StoreFact]
    public async Task CloseRound_LargeModel_RoundTripsBitExact()
    {
        var store = await OpenStoreAsync();
        await store.CreateRunAsync("run-1", "r", "{}", T0, None);
        var global = LargeParameters(1 << 18, seed: 42);

        await store.CloseRoundAsync(Round("run-1", 1), new Checkpoint(global, null), None);
        var latest = await store.LoadLatestCheckpointAsync("run-1", None);

        AssertBitExact(global, latest!.Global);
        Assert.Null(latest.OptimizerState);
    }

    [StoreFact]
    public async Task LoadCheckpoint_EachRound_ReturnsThatRoundsParameters()
    {
        var store = await OpenStoreAsync();
        await store.CreateRunAsync("run-1", "r", "{}", T0, None);
        await store.CloseRoundAsync(Round("run-1", 1), CheckpointFor(1, withOptimizerState: false), None);
        await store.CloseRoundAsync(Round("run-1", 2), CheckpointFor(2), None);

        var first = await store.LoadCheckpointAsync("run-1", 1, None);
        var second = await store.LoadCheckpointAsync("run-1", 2, None);

        AssertBitExact(Parameters(1), first!.Global);
        Assert.Null(first.OptimizerState);
        AssertBitExact(Parameters(2), second!.Global);
        AssertBitExact(Parameters(1002), second.OptimizerState!);
        Assert.Null(await store.LoadCheckpointAsync("run-1", 3, None));
    }

    [StoreFact]
    public async Task LoadLatestCheckpoint_NoRoundClosed_ReturnsNull()
    {
        var store = await OpenStoreAsync();
        await store.CreateRunAsync("run-1", "r", "{}", T0, None);

        Assert.Null(await store.LoadLatestCheckpointAsync("run-1", None));
        Assert.Null(await store.LoadLatestCheckpointAsync("unknown-run", None));
    }

    [StoreFact]
    public async Task GetRounds_ClosedOutOfOrder_ListedInRoundOrderWithPartyRows()
    {
        var store = await OpenStoreAsync();
        await store.CreateRunAsync("run-1", "r", "{}", T0, None);
        await store.CreateRunAsync("run-2", "other", "{}", T0, None);
        foreach (var round in (int[])[1, 3, 2])
        {
            await store.CloseRoundAsync(Round("run-1", round), CheckpointFor(round), None);
        }

        await store.CloseRoundAsync(Round("run-2", 1), CheckpointFor(7), None);

        var rounds = await store.GetRoundsAsync("run-1", None);

        Assert.Equal([1, 2, 3], rounds.Select(r => r.Round));
        for (var i = 0; i < 3; i++)
        {
            AssertRoundEqual(Round("run-1", i + 1), rounds[i]);
        }

        // Party rows keep the order they were given in, not alphabetical order.
        Assert.Equal(["hospital-b", "hospital-a", "hospital-c"], rounds[0].Parties.Select(p => p.Party.Value));
        Assert.Equal(3, (await store.LoadLatestCheckpointAsync("run-1", None))!.LastClosedRound);
    }

    [StoreFact]
    public async Task CloseRound_SameRoundTwice_ThrowsAndKeepsFirst()
    {
        var store = await OpenStoreAsync();
        await store.CreateRunAsync("run-1", "r", "{}", T0, None);
        var first = Round("run-1", 1);
        await store.CloseRoundAsync(first, CheckpointFor(1), None);
        var second = Round("run-1", 1) with
        {
            Participants = 0,
            EvaluationLoss = 9,
            Parties = [new PartyRoundRecord(new PartyId("intruder"), PartyOutcome.Accepted, null, 1, 1, 1)],
        };

        var error = await Assert.ThrowsAsync<RoundAlreadyClosedException>(() => store.CloseRoundAsync(second, CheckpointFor(50), None));

        Assert.Equal(("run-1", 1), (error.RunId, error.Round));
        var rounds = await store.GetRoundsAsync("run-1", None);
        AssertRoundEqual(first, Assert.Single(rounds));
        var latest = await store.LoadLatestCheckpointAsync("run-1", None);
        AssertBitExact(Parameters(1), latest!.Global);
        AssertBitExact(Parameters(1001), latest.OptimizerState!);
    }

    [StoreFact]
    public async Task CloseRound_SameRoundFromTwoStoresConcurrently_ExactlyOneWinsAndItsCheckpointIsStored()
    {
        var first = await OpenStoreAsync();
        var second = await OpenStoreAsync();
        await first.CreateRunAsync("run-1", "r", "{}", T0, None);

        var outcomes = await Task.WhenAll(Task.Run(() => TryCloseAsync(first, seed: 11)), Task.Run(() => TryCloseAsync(second, seed: 22)));

        var winner = Assert.Single(outcomes, o => o.Closed);
        var latest = await first.LoadLatestCheckpointAsync("run-1", None);
        AssertBitExact(Parameters(winner.Seed), latest!.Global);
        AssertRoundEqual(Round("run-1", 1), Assert.Single(await second.GetRoundsAsync("run-1", None)));

        static async Task<(bool Closed, ulong Seed)> TryCloseAsync(IRunStore store, ulong seed)
        {
            try
            {
                await store.CloseRoundAsync(Round("run-1", 1), new Checkpoint(Parameters(seed), null), None);
                return (true, seed);
            }
            catch (RoundAlreadyClosedException)
            {
                return (false, seed);
            }
        }
    }

    [StoreFact]
    public async Task CloseRound_UnknownRun_ThrowsRunNotFoundAndWritesNothing()
    {
        var store = await OpenStoreAsync();

        await Assert.ThrowsAsync<RunNotFoundException>(() => store.CloseRoundAsync(Round("ghost", 1), CheckpointFor(1), None));

        Assert.Empty(await store.GetRoundsAsync("ghost", None));
        Assert.Null(await store.LoadLatestCheckpointAsync("ghost", None));
    }

    [StoreFact]
    public async Task CloseRound_DuplicatePartyInRound_ThrowsArgumentExceptionAndWritesNothing()
    {
        var store = await OpenStoreAsync();
        await store.CreateRunAsync("run-1", "r", "{}", T0, None);
        var round = Round("run-1", 1) with
        {
            Parties =
            [
                new PartyRoundRecord(new PartyId("a"), PartyOutcome.Accepted, null, 1, 1, 1),
                new PartyRoundRecord(new PartyId("a"), PartyOutcome.Dropout, "twice", 0, null, 0),
            ],
        };

        await Assert.ThrowsAsync<ArgumentException>(() => store.CloseRoundAsync(round, CheckpointFor(1), None));

        Assert.Empty(await store.GetRoundsAsync("run-1", None));
    }

    [StoreFact]
    public async Task CloseRound_NaNMetrics_ReadBackAsNull()
    {
        var store = await OpenStoreAsync();
        await store.CreateRunAsync("run-1", "r", "{}", T0, None);
        var round = Round("run-1", 1) with
        {
            TrainLoss = double.NaN,
            EvaluationLoss = double.PositiveInfinity,
            Accuracy = null,
            Succeeded = false,
            Parties = [new PartyRoundRecord(new PartyId("a"), PartyOutcome.Rejected, "update holds NaN", 10, double.NaN, 64)],
        };

        await store.CloseRoundAsync(round, CheckpointFor(1), None);
        var read = Assert.Single(await store.GetRoundsAsync("run-1", None));

        Assert.Equal((null, double.PositiveInfinity, null, false), (read.TrainLoss, read.EvaluationLoss, read.Accuracy, read.Succeeded));
        Assert.Equal(new PartyRoundRecord(new PartyId("a"), PartyOutcome.Rejected, "update holds NaN", 10, null, 64), Assert.Single(read.Parties));
    }

    [StoreFact]
    public async Task CloseRound_KeepTwoCheckpoints_PrunesOlderOnesButKeepsRounds()
    {
        var store = await OpenStoreAsync(new RunStoreOptions { CheckpointsToKeep = 2 });
        await store.CreateRunAsync("run-1", "r", "{}", T0, None);
        for (var round = 1; round <= 4; round++)
        {
            await store.CloseRoundAsync(Round("run-1", round), CheckpointFor(round), None);
        }

        Assert.Null(await store.LoadCheckpointAsync("run-1", 1, None));
        Assert.Null(await store.LoadCheckpointAsync("run-1", 2, None));
        AssertBitExact(Parameters(3), (await store.LoadCheckpointAsync("run-1", 3, None))!.Global);
        AssertBitExact(Parameters(4), (await store.LoadLatestCheckpointAsync("run-1", None))!.Global);
        Assert.Equal([1, 2, 3, 4], (await store.GetRoundsAsync("run-1", None)).Select(r => r.Round));
    }

    [StoreFact]
    public async Task CloseRound_KeepOneClosedOutOfOrder_KeepsOnlyTheHighestRoundsCheckpoint()
    {
        var store = await OpenStoreAsync(new RunStoreOptions { CheckpointsToKeep = 1 });
        await store.CreateRunAsync("run-1", "r", "{}", T0, None);

        await store.CloseRoundAsync(Round("run-1", 3), CheckpointFor(3), None);
        await store.CloseRoundAsync(Round("run-1", 1), CheckpointFor(1), None);

        // Round 1's checkpoint is not among the newest one by round number, so it is pruned as it is written.
        Assert.Null(await store.LoadCheckpointAsync("run-1", 1, None));
        var latest = await store.LoadLatestCheckpointAsync("run-1", None);
        Assert.Equal(3, latest!.LastClosedRound);
        AssertBitExact(Parameters(3), latest.Global);
        Assert.Equal([1, 3], (await store.GetRoundsAsync("run-1", None)).Select(r => r.Round));
    }

    [StoreFact]
    public async Task Open_CheckpointsToKeepZero_ThrowsArgumentOutOfRange()
    {
        await Assert.ThrowsAsync<ArgumentOutOfRangeException>(() => OpenStoreAsync(new RunStoreOptions { CheckpointsToKeep = 0 }));
    }

    [StoreFact]
    public async Task CloseRoundAndLoad_CallerChangesItsBuffers_StoredCheckpointAndRowsUnchanged()
    {
        var store = await OpenStoreAsync();
        await store.CreateRunAsync("run-1", "r", "{}", T0, None);
        var global = Parameters(1);
        var optimizerState = Parameters(1001);
        var parties = Round("run-1", 1).Parties.ToList();

        await store.CloseRoundAsync(Round("run-1", 1) with { Parties = parties }, new Checkpoint(global, optimizerState), None);
        global.Values.Fill(7f);
        optimizerState.Values.Clear();
        parties.RemoveAt(0);
        var loaded = await store.LoadLatestCheckpointAsync("run-1", None);
        loaded!.Global.Values.Fill(9f); // the caller owns what it loaded
        loaded.OptimizerState!.Values.Fill(9f);
        var again = await store.LoadCheckpointAsync("run-1", 1, None);

        AssertBitExact(Parameters(1), again!.Global);
        AssertBitExact(Parameters(1001), again.OptimizerState!);
        AssertRoundEqual(Round("run-1", 1), Assert.Single(await store.GetRoundsAsync("run-1", None)));
    }

    [StoreFact]
    public async Task CloseRound_TransactionHeldOpen_InvisibleToOthersAndAbsentAfterAbandon()
    {
        // Simulates a coordinator killed mid-transaction: round 4's rows are written but never committed.
        var writer = await OpenStoreAsync();
        await writer.CreateRunAsync("run-1", "r", "{}", T0, None);
        for (var round = 1; round <= 3; round++)
        {
            await writer.CloseRoundAsync(Round("run-1", round), CheckpointFor(round), None);
        }

        var inside = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        SetBeforeCommit(writer, async (round, cancellationToken) =>
        {
            inside.SetResult();
            await Task.Delay(Timeout.Infinite, cancellationToken);
        });
        using var abandon = new CancellationTokenSource();
        var partial = writer.CloseRoundAsync(Round("run-1", 4), CheckpointFor(4), abandon.Token);
        await inside.Task.WaitAsync(TimeSpan.FromSeconds(30));

        // While round 4's transaction is open, a second store sees exactly rounds 1..3.
        var reader = await OpenStoreAsync();
        Assert.Equal([1, 2, 3], (await reader.GetRoundsAsync("run-1", None)).Select(r => r.Round));
        var duringCheckpoint = await reader.LoadLatestCheckpointAsync("run-1", None);
        Assert.Equal(3, duringCheckpoint!.LastClosedRound);
        AssertBitExact(Parameters(3), duringCheckpoint.Global);

        await abandon.CancelAsync();
        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => partial);

        var restarted = await OpenStoreAsync();
        var resumed = await restarted.LoadLatestCheckpointAsync("run-1", None);
        Assert.Equal(3, resumed!.LastClosedRound);
        AssertBitExact(Parameters(3), resumed.Global);
        AssertBitExact(Parameters(1003), resumed.OptimizerState!);
        Assert.Null(await restarted.LoadCheckpointAsync("run-1", 4, None));

        // Nothing of the abandoned round is left behind to collide with its re-run.
        await restarted.CloseRoundAsync(Round("run-1", 4), CheckpointFor(4), None);
        AssertRoundEqual(Round("run-1", 4), (await restarted.GetRoundsAsync("run-1", None))[3]);
    }

    [StoreFact]
    public async Task UpsertParty_NewThenExisting_UpdatesTokenAndLastSeenKeepsRegisteredAt()
    {
        var store = await OpenStoreAsync();
        var party = new PartyId("hospital-a");

        var inserted = await store.UpsertPartyAsync("oncology", party, "sha256:aaaa", T0, None);
        var updated = await store.UpsertPartyAsync("oncology", party, "sha256:bbbb", T0.AddHours(2), None);
        var read = await store.GetPartyAsync("oncology", party, None);

        Assert.Equal(new PartyRecord("oncology", party, "sha256:aaaa", T0, T0), inserted);
        var expected = new PartyRecord("oncology", party, "sha256:bbbb", T0, T0.AddHours(2));
        Assert.Equal(expected, updated);
        Assert.Equal(expected, read);
    }

    [StoreFact]
    public async Task ListParties_TwoFederations_OnlyThatFederationOrderedById()
    {
        var store = await OpenStoreAsync();
        await store.UpsertPartyAsync("oncology", new PartyId("b"), "h1", T0, None);
        await store.UpsertPartyAsync("oncology", new PartyId("a"), "h2", T0, None);
        await store.UpsertPartyAsync("cardiology", new PartyId("a"), "h3", T0, None);

        var parties = await store.ListPartiesAsync("oncology", None);

        Assert.Equal([("a", "h2"), ("b", "h1")], parties.Select(p => (p.Party.Value, p.TokenHash)));
        Assert.Null(await store.GetPartyAsync("cardiology", new PartyId("b"), None));
        Assert.Equal("h3", (await store.GetPartyAsync("cardiology", new PartyId("a"), None))!.TokenHash);
    }
}
