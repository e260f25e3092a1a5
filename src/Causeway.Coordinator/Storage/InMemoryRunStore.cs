using Causeway.Federation;
using static Causeway.Coordinator.Storage.InMemoryRunDatabase;

namespace Causeway.Coordinator.Storage;

/// <summary>
/// An <see cref="IRunStore"/> in process memory with the semantics of <see cref="SqliteRunStore"/> and
/// <see cref="PostgresRunStore"/>: the same validation and exceptions, status transitions, orderings, microsecond UTC
/// times, NaN read back as null, checkpoint pruning and statistics budget charging. Nothing outlives the process: for
/// tests, demos and coordinators that do not need to resume after a restart.
/// </summary>
/// <remarks>
/// Thread-safe. Writers take turns on one write lock (like SQLite's); readers never wait for a writer and see only
/// finished writes, so a round is visible whole or not at all. A checkpoint is copied when its round is closed, before
/// <see cref="CloseRoundAsync"/> returns its task (the caller may reuse its buffers at once), and copied again on every
/// load, so the caller owns what it gets. Memory grows with each kept checkpoint; set
/// <see cref="RunStoreOptions.CheckpointsToKeep"/> for long runs.
/// </remarks>
public sealed class InMemoryRunStore : IRunStore
{
    private readonly InMemoryRunDatabase _database;
    private readonly RunStoreOptions _options;

    // The lease this instance took, if any: from then on its writes of run state are fenced by it.
    private volatile InMemoryStoreLease? _lease;

    /// <summary>Creates an empty store.</summary>
    /// <exception cref="ArgumentOutOfRangeException">An option is out of range.</exception>
    public InMemoryRunStore(RunStoreOptions? options = null)
        : this(new InMemoryRunDatabase(), options)
    {
    }

    /// <summary>Opens a store on <paramref name="database"/>'s data, as a restarted coordinator reopens its database.</summary>
    internal InMemoryRunStore(InMemoryRunDatabase database, RunStoreOptions? options)
    {
        ArgumentNullException.ThrowIfNull(database);
        options ??= new RunStoreOptions();
        options.Validate();
        _database = database;
        _options = options;
    }

    /// <summary>
    /// Test seam: runs inside <see cref="CloseRoundAsync"/> under the write lock, after the round was checked and before
    /// it is committed, with the round number. Lets a test hold a round's commit open; readers meanwhile do not see it.
    /// </summary>
    internal Func<int, CancellationToken, Task>? BeforeCommit { get; set; }

    public async Task<RunRecord> CreateRunAsync(string runId, string name, string configJson, DateTimeOffset createdAt, CancellationToken cancellationToken)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(runId);
        ArgumentNullException.ThrowIfNull(name);
        ArgumentNullException.ThrowIfNull(configJson);
        RunStoreRules.RequireJson(configJson, "run configuration");
        var record = new RunRecord
        {
            RunId = runId,
            Name = name,
            ConfigJson = configJson,
            Status = RunStatus.Pending,
            CreatedAt = RunStoreRules.Truncate(createdAt),
            UpdatedAt = RunStoreRules.Truncate(createdAt),
        };

        return await WriteAsync(
            () => _database.Runs.TryAdd(runId, new RunEntry(record)) ? record : throw RunAlreadyExistsException.For(runId, null),
            cancellationToken);
    }

    public Task<RunRecord?> GetRunAsync(string runId, CancellationToken cancellationToken) => ReadAsync(
        () =>
        {
            ArgumentException.ThrowIfNullOrWhiteSpace(runId);
            return Find(runId)?.Record;
        },
        cancellationToken);

    public async Task SaveRunSetupAsync(string runId, string setupJson, CancellationToken cancellationToken)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(runId);
        ArgumentNullException.ThrowIfNull(setupJson);
        RunStoreRules.RequireJson(setupJson, "run setup");
        await WriteAsync(
            () =>
            {
                var run = Find(runId) ?? throw new RunNotFoundException(runId);
                if (run.Record.SetupJson is not null)
                {
                    throw new InvalidOperationException($"Run '{runId}' already has its setup; a run's setup never changes.");
                }

                Fence();
                run.Record = run.Record with { SetupJson = setupJson };
                return run.Record;
            },
            cancellationToken);
    }

    public async Task SaveRunReferenceAsync(string runId, string referenceJson, CancellationToken cancellationToken)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(runId);
        ArgumentNullException.ThrowIfNull(referenceJson);
        RunStoreRules.RequireJson(referenceJson, "run reference");
        await WriteAsync(
            () =>
            {
                var run = Find(runId) ?? throw new RunNotFoundException(runId);
                Fence();
                run.Record = run.Record with { ReferenceJson = referenceJson };
                return run.Record;
            },
            cancellationToken);
    }

    public Task<IReadOnlyList<RunRecord>> ListRunsAsync(CancellationToken cancellationToken) => ReadAsync<IReadOnlyList<RunRecord>>(
        () =>
        {
            var runs = _database.Runs.Values.Select(run => run.Record).ToList();
            runs.Sort(static (x, y) => x.CreatedAt != y.CreatedAt ? x.CreatedAt.CompareTo(y.CreatedAt) : RunStoreRules.CompareIds(x.RunId, y.RunId));
            return runs;
        },
        cancellationToken);

    public async Task<RunRecord> SetRunStatusAsync(string runId, RunStatus status, string? message, DateTimeOffset changedAt, CancellationToken cancellationToken)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(runId);
        RunStoreRules.RequireDefined(status);
        return await WriteAsync(
            () =>
            {
                var run = Find(runId) ?? throw new RunNotFoundException(runId);
                if (!RunStatusTransitions.IsAllowed(run.Record.Status, status))
                {
                    throw RunStoreRules.TransitionRefused(runId, run.Record.Status, status);
                }

                Fence();
                run.Record = run.Record with { Status = status, StatusMessage = message, UpdatedAt = RunStoreRules.Truncate(changedAt) };
                return run.Record;
            },
            cancellationToken);
    }

    public async Task CloseRoundAsync(RoundRecord round, Checkpoint checkpoint, CancellationToken cancellationToken)
    {
        RunStoreRules.Validate(round);
        ArgumentNullException.ThrowIfNull(checkpoint);
        ArgumentNullException.ThrowIfNull(checkpoint.Global);

        // Copied before the first await: once this method has returned its task the caller may reuse its buffers.
        var stored = new StoredRound(AsStored(round), RunStoreRules.SerializePrivacy(round.Privacy), RunStoreRules.SerializePartyEvaluations(round.PartyEvaluations));
        var parameters = new StoredParameters(checkpoint.Global.Clone(), checkpoint.OptimizerState?.Clone(), checkpoint.PrivacyState);

        await _database.WriteLock.WaitAsync(cancellationToken);
        try
        {
            // Runs are never removed, so the entry found here is still the run's when the round is committed.
            RunEntry run;
            lock (_database.Gate)
            {
                run = Find(round.RunId) ?? throw RunNotFoundException.For(round.RunId, null);
                if (run.Rounds.ContainsKey(round.Round))
                {
                    throw new RoundAlreadyClosedException(round.RunId, round.Round, null);
                }
            }

            if (BeforeCommit is { } beforeCommit)
            {
                await beforeCommit(round.Round, cancellationToken);
            }

            cancellationToken.ThrowIfCancellationRequested();
            lock (_database.Gate)
            {
                Fence();
                run.Rounds.Add(round.Round, stored);
                run.Checkpoints.Add(round.Round, parameters);

                // Keep the newest `keep` checkpoints by round number, whatever order rounds were closed in.
                while (_options.CheckpointsToKeep is { } keep && run.Checkpoints.Count > keep)
                {
                    run.Checkpoints.RemoveAt(0);
                }
            }
        }
        finally
        {
            _database.WriteLock.Release();
        }
    }

    public Task<IReadOnlyList<RoundRecord>> GetRoundsAsync(string runId, CancellationToken cancellationToken) => ReadAsync<IReadOnlyList<RoundRecord>>(
        () =>
        {
            ArgumentException.ThrowIfNullOrWhiteSpace(runId);
            return Find(runId) is { } run
                ? [.. run.Rounds.Values.Select(r => r.Round with
                {
                    Privacy = RunStoreRules.DeserializePrivacy(r.PrivacyJson), PartyEvaluations = RunStoreRules.DeserializePartyEvaluations(r.PartyEvaluationsJson),
                })]
                : [];
        },
        cancellationToken);

    public Task<StoredCheckpoint?> LoadLatestCheckpointAsync(string runId, CancellationToken cancellationToken) => ReadAsync(
        () =>
        {
            ArgumentException.ThrowIfNullOrWhiteSpace(runId);
            return Find(runId) is { Checkpoints.Count: > 0 } run
                ? Copy(runId, run.Checkpoints.Keys[^1], run.Checkpoints.Values[^1])
                : null;
        },
        cancellationToken);

    public Task<StoredCheckpoint?> LoadCheckpointAsync(string runId, int round, CancellationToken cancellationToken) => ReadAsync(
        () =>
        {
            ArgumentException.ThrowIfNullOrWhiteSpace(runId);
            ArgumentOutOfRangeException.ThrowIfNegativeOrZero(round);
            return Find(runId) is { } run && run.Checkpoints.TryGetValue(round, out var parameters) ? Copy(runId, round, parameters) : null;
        },
        cancellationToken);

    public async Task<StatisticsBudgetCharge> ChargeStatisticsReleaseAsync(
        string runId, StatisticsReleaseCost release, double epsilonLimit, double deltaLimit, CancellationToken cancellationToken)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(runId);
        RunStoreRules.Validate(release);
        return await WriteAsync(
            () =>
            {
                var run = Find(runId) ?? throw new RunNotFoundException(runId);
                var spent = Spent(run);
                var after = spent.Add(release);
                if (!after.FitsWithin(epsilonLimit, deltaLimit))
                {
                    return new StatisticsBudgetCharge(false, spent);
                }

                Fence();
                run.Releases.Add(release with { ReleasedAt = RunStoreRules.Truncate(release.ReleasedAt) });
                return new StatisticsBudgetCharge(true, after);
            },
            cancellationToken);
    }

    public Task<StatisticsBudgetSpent> GetStatisticsSpentAsync(string runId, CancellationToken cancellationToken) => ReadAsync(
        () =>
        {
            ArgumentException.ThrowIfNullOrWhiteSpace(runId);
            return Find(runId) is { } run ? Spent(run) : StatisticsBudgetSpent.None;
        },
        cancellationToken);

    public async Task<PartyRecord> UpsertPartyAsync(string federation, PartyId party, string tokenHash, DateTimeOffset lastSeen, CancellationToken cancellationToken)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(federation);
        ArgumentException.ThrowIfNullOrWhiteSpace(party.Value, nameof(party));
        ArgumentException.ThrowIfNullOrWhiteSpace(tokenHash);
        var seen = RunStoreRules.Truncate(lastSeen);
        return await WriteAsync(
            () =>
            {
                if (!_database.Parties.TryGetValue(federation, out var parties))
                {
                    parties = new Dictionary<string, PartyRecord>(StringComparer.Ordinal);
                    _database.Parties.Add(federation, parties);
                }

                var record = parties.TryGetValue(party.Value, out var known)
                    ? known with { TokenHash = tokenHash, LastSeen = seen }
                    : new PartyRecord(federation, party, tokenHash, seen, seen);
                parties[party.Value] = record;
                return record;
            },
            cancellationToken);
    }

    public Task<PartyRecord?> GetPartyAsync(string federation, PartyId party, CancellationToken cancellationToken) => ReadAsync(
        () =>
        {
            ArgumentException.ThrowIfNullOrWhiteSpace(federation);
            ArgumentException.ThrowIfNullOrWhiteSpace(party.Value, nameof(party));
            return _database.Parties.TryGetValue(federation, out var parties) ? parties.GetValueOrDefault(party.Value) : null;
        },
        cancellationToken);

    public Task<IReadOnlyList<PartyRecord>> ListPartiesAsync(string federation, CancellationToken cancellationToken) => ReadAsync<IReadOnlyList<PartyRecord>>(
        () =>
        {
            ArgumentException.ThrowIfNullOrWhiteSpace(federation);
            if (!_database.Parties.TryGetValue(federation, out var parties))
            {
                return [];
            }

            var list = parties.Values.ToList();
            list.Sort(static (x, y) => RunStoreRules.CompareIds(x.Party.Value, y.Party.Value));
            return list;
        },
        cancellationToken);

    /// <summary>Releases nothing: the data stays readable through this and every other store opened on it.</summary>
    public Task<IStoreLease?> TryAcquireLeaseAsync(string holder, CancellationToken cancellationToken)
    {
        try
        {
            ArgumentException.ThrowIfNullOrWhiteSpace(holder);
            cancellationToken.ThrowIfCancellationRequested();
            var lease = InMemoryStoreLease.TryAcquire(_database, holder);
            if (lease is not null)
            {
                _lease = lease;
            }

            return Task.FromResult<IStoreLease?>(lease);
        }
        catch (Exception e)
        {
            return Task.FromException<IStoreLease?>(e);
        }
    }

    public Task<string?> GetLeaseHolderAsync(CancellationToken cancellationToken) => ReadAsync(() => _database.Lease?.Holder, cancellationToken);

    public ValueTask DisposeAsync() => ValueTask.CompletedTask;

    /// <summary>The round as a database would read it back: NaN metrics null, time truncated, party rows copied.</summary>
    private static RoundRecord AsStored(RoundRecord round) => round with
    {
        TrainLoss = RunStoreRules.NaNAsNull(round.TrainLoss),
        EvaluationLoss = RunStoreRules.NaNAsNull(round.EvaluationLoss),
        Accuracy = RunStoreRules.NaNAsNull(round.Accuracy),
        RocAuc = RunStoreRules.NaNAsNull(round.RocAuc),
        F1 = RunStoreRules.NaNAsNull(round.F1),
        Rmse = RunStoreRules.NaNAsNull(round.Rmse),
        Mae = RunStoreRules.NaNAsNull(round.Mae),
        SlowestTrainSeconds = RunStoreRules.NaNAsNull(round.SlowestTrainSeconds),
        ClosedAt = RunStoreRules.Truncate(round.ClosedAt),
        Privacy = null,
        PartyEvaluations = [],
        Parties = [.. round.Parties.Select(p => p with { TrainLoss = RunStoreRules.NaNAsNull(p.TrainLoss) })],
    };

    private static StoredCheckpoint Copy(string runId, int round, StoredParameters parameters) =>
        new(runId, round, parameters.Global.Clone(), parameters.OptimizerState?.Clone(), parameters.PrivacyState);

    /// <summary>Σ ε and Σ δ in release order, so the total is the same double every time (as the relational stores sum it).</summary>
    private static StatisticsBudgetSpent Spent(RunEntry run)
    {
        var spent = StatisticsBudgetSpent.None;
        foreach (var release in run.Releases)
        {
            spent = spent.Add(release);
        }

        return spent;
    }

    /// <summary>The run, or null; only under <see cref="InMemoryRunDatabase.Gate"/>.</summary>
    private RunEntry? Find(string runId) => _database.Runs.GetValueOrDefault(runId);

    // Under the gate, before a write of run state commits: refused once this instance's lease is lost or given up.
    private void Fence()
    {
        if (_lease is { } lease)
        {
            if (_database.Lease != lease)
            {
                lease.MarkLost("another store instance holds the lease");
            }

            lease.ThrowIfNotHeld();
        }
    }

    /// <summary>Runs <paramref name="read"/> on the committed data; its exceptions fault the returned task, as in the other stores.</summary>
    private Task<T> ReadAsync<T>(Func<T> read, CancellationToken cancellationToken)
    {
        if (cancellationToken.IsCancellationRequested)
        {
            return Task.FromCanceled<T>(cancellationToken);
        }

        try
        {
            lock (_database.Gate)
            {
                return Task.FromResult(read());
            }
        }
        catch (Exception e)
        {
            return Task.FromException<T>(e);
        }
    }

    /// <summary>Runs <paramref name="commit"/> as one writer: it sees every earlier write, and readers see all of it or none.</summary>
    /// <remarks><paramref name="commit"/> must throw before it changes anything, so a refused write leaves nothing behind.</remarks>
    private async Task<T> WriteAsync<T>(Func<T> commit, CancellationToken cancellationToken)
    {
        await _database.WriteLock.WaitAsync(cancellationToken);
        try
        {
            lock (_database.Gate)
            {
                return commit();
            }
        }
        finally
        {
            _database.WriteLock.Release();
        }
    }
}
