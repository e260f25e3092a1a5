using System.Threading.Channels;
using Causeway.Core.Metrics;
using Causeway.Core.Tensors;
using Causeway.Core.Training;

namespace Causeway.Federation.Horizontal.Buffered;

/// <summary>
/// Asynchronous buffered aggregation (FedBuff, Nguyen et al. 2022, with FedAsync's staleness weighting, Xie et al. 2019):
/// parties train whenever they are free, and the model takes a server step once K updates are buffered. One step is one
/// round of the reports, the store and the checkpoints, so closed rounds, evaluation, resume, stop and the failure rules
/// work as in <see cref="RoundEngine"/>.
/// </summary>
/// <remarks>
/// <para>
/// Versions: version v is the global model after v steps; the buffer of round r is applied to version r − 1 and makes
/// version r. Up to C = <see cref="BufferedUpdates.Concurrency"/> parties train at once (all eligible ones when null); a
/// free slot goes at once to the eligible, free party whose last task started longest ago (in the roster's order before
/// its first), with the current version, and each task carries the version it was trained from. A buffer takes at most
/// one update per party, so a party whose update is in the buffer waits for the next one before it trains again.
/// </para>
/// <para>
/// An update trained on version t that arrives while the model is at version v has staleness τ = v − t. With
/// τ &gt; <see cref="BufferedUpdates.MaxStaleness"/> it is refused (<see cref="FailureKind.Stale"/>); otherwise its
/// delta is scaled by s(τ) (<see cref="StalenessWeight"/>) through <see cref="IAggregator.Scale"/> and folded into the
/// run's aggregation, which weighs it by its examples as in a synchronous round. With the weighted mean the step is
/// </para>
/// <code>
/// Δ = Σ_k n_k·s(τ_k)·Δ_k / Σ_k n_k        (uniform weights: FedBuff's (1/K)·Σ_k s(τ_k)·Δ_k)
/// </code>
/// <para>
/// and the server optimizer steps the model with Δ as in a synchronous round. The weights are not renormalised by
/// Σ s(τ_k): a buffer of stale updates moves the model less than a fresh one, which is the point of the weighting.
/// Every resolved update — accepted, refused as stale, failed — is recorded in <see cref="RoundSummary.Versions"/> (the
/// versions) and in the summary's contributions and failures, in arrival order.
/// </para>
/// <para>
/// A buffer closes with K accepted updates. When no more can come (every eligible party has already answered in this
/// buffer and none is training), it closes with what it has: it succeeds with at least
/// <see cref="RoundEngineOptions.MinResults"/>, else it fails and the model is unchanged (a degraded round). Each task
/// has <see cref="RoundEngineOptions.Deadline"/> to answer; then it is a straggler. The run diverges when K updates in a
/// row are non-finite, or on the loss and model rules of <see cref="DivergenceRule"/>.
/// </para>
/// <para>
/// Periodic participation (<see cref="RoundEngineOptions.MinTimeBetweenTasks"/>): a party is not sent a task before that
/// long after its previous one started. Secure aggregation, Paillier and differential privacy are refused: a protected
/// sum needs a fixed cohort agreed before training, and the DP accounting assumes sampled rounds
/// (docs/adr/0014-buffered-asynchronous-updates.md). On resume the tasks in flight at the crash are lost; the run
/// continues from the last closed round with fresh tasks.
/// </para>
/// </remarks>
public sealed class BufferedRoundEngine : IRunEngine
{
    private readonly RoundEngineOptions _options;
    private readonly BufferedUpdates _buffered;

    /// <exception cref="ArgumentException">The options have no <see cref="RoundEngineOptions.Buffered"/> section, an invalid one, a protection or privacy options, or what <see cref="RoundEngine"/> refuses.</exception>
    public BufferedRoundEngine(RoundEngineOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        _buffered = options.Buffered ?? throw new ArgumentException("The options have no buffered updates section; run synchronous rounds with RoundEngine.", nameof(options));
        if (_buffered.Validate() is { Count: > 0 } errors)
        {
            throw new ArgumentException($"Invalid buffered updates: {string.Join("; ", errors)}.", nameof(options));
        }

        if (options.Protection is { } protection)
        {
            throw new ArgumentException(
                $"{protection.Name} needs a fixed cohort that agrees on keys before it trains; asynchronous updates have none. Use synchronous rounds.", nameof(options));
        }

        if (options.Privacy is not null)
        {
            throw new ArgumentException(
                "Differential privacy is not supported with asynchronous updates: its accounting assumes rounds of sampled parties. Use synchronous rounds.", nameof(options));
        }

        // Everything the two engines share (strategy, plan, deadline, failure rules) is checked by the synchronous one.
        Plan = new RoundEngine(options with { Buffered = null }).Plan;
        _options = options;
    }

    public TrainingPlan Plan { get; }

    /// <summary>Runs the remaining rounds (server steps) of a run; the arguments are those of <see cref="RoundEngine"/>'s.</summary>
    /// <remarks><see cref="IRunObserver.OnRoundStartedAsync"/> gets no selected parties: a buffer's parties are known when it closes.</remarks>
    public async Task<RunResult> RunAsync(
        ParameterSet initialGlobal,
        IPartyRoster roster,
        IPartyChannel channel,
        IGlobalEvaluator? evaluator,
        IRunObserver? observer,
        RunCheckpoint? resumeFrom,
        CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(initialGlobal);
        ArgumentNullException.ThrowIfNull(roster);
        ArgumentNullException.ThrowIfNull(channel);

        var time = _options.TimeProvider;
        var started = time.GetTimestamp();
        var optimizer = _options.Strategy.CreateServerOptimizer();
        var (global, first) = RoundRules.Start(initialGlobal, resumeFrom, optimizer, _options.Rounds);
        var degraded = resumeFrom?.DegradedRounds ?? 0;
        var referenceLoss = _options.Divergence.ReferenceLoss ?? resumeFrom?.ReferenceLoss;
        ParameterSet? aggregateBuffer = null;
        var summaries = new List<RoundSummary>(_options.Rounds - first + 1);
        Evaluation? final = null;
        string? failure = null;

        using var run = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        var parties = new Dispatcher(this, channel, run.Token);
        try
        {
            for (var round = first; round <= _options.Rounds; round++)
            {
                cancellationToken.ThrowIfCancellationRequested();
                var roundStarted = time.GetTimestamp();
                var info = new RoundInfo(_options.RunId, round, _options.Rounds);
                if (observer is not null)
                {
                    await observer.OnRoundStartedAsync(info, [], cancellationToken).ConfigureAwait(false);
                }

                // Every buffer aggregates into the run's one buffer (docs/adr/0010-reused-aggregation-buffers.md).
                aggregateBuffer ??= new ParameterSet(global.Layout);
                var fold = new BufferFold(_options.Strategy.Aggregator.Begin(aggregateBuffer, info));
                await FillAsync(fold, info, global, roster, parties, cancellationToken).ConfigureAwait(false);

                failure = fold.NonFiniteInARow >= _buffered.BufferSize
                    ? $"round {round} diverged: the last {fold.NonFiniteInARow} updates held NaN or infinite values; lower training.learningRate"
                    : _options.Divergence.DescribeLoss(round, fold.TrainLoss, referenceLoss);
                if (failure is not null)
                {
                    break;
                }

                if (referenceLoss is null && fold.TrainLoss is > 0 and var firstLoss)
                {
                    referenceLoss = firstLoss;
                }

                var problem = Describe(fold);
                if (problem is null)
                {
                    var (stepped, diverged) = RoundRules.Step(optimizer, global, fold.Aggregation.Complete(), info);
                    if (diverged is not null)
                    {
                        failure = diverged;
                        break;
                    }

                    global = stepped!;
                }
                else
                {
                    degraded++;
                }

                GlobalEvaluation? evaluation = null;
                if (evaluator is not null && _options.EvaluatesAfter(round))
                {
                    evaluation = await evaluator.EvaluateAsync(global, info, cancellationToken).ConfigureAwait(false);
                    final = evaluation?.Combined ?? final;
                }

                var summary = new RoundSummary(
                    round,
                    fold.Resolved,
                    fold.Accepted,
                    fold.Failures,
                    problem is null,
                    fold.TrainLoss,
                    evaluation?.Combined,
                    time.GetElapsedTime(roundStarted).TotalSeconds,
                    fold.Bytes,
                    fold.SlowestTrainSeconds,
                    fold.Contributions,
                    problem)
                {
                    Versions = fold.Versions,
                    PartyEvaluations = evaluation?.Parties ?? [],
                };
                summaries.Add(summary);
                if (observer is not null)
                {
                    var checkpoint = new RunCheckpoint(round, global, optimizer.SaveState(), null, degraded, _options.Divergence.ReferenceLoss is null ? referenceLoss : null);
                    await observer.OnRoundCompletedAsync(summary, checkpoint, cancellationToken).ConfigureAwait(false);
                }

                failure = _options.DescribeTooManyDegraded(degraded, round, problem);
                if (failure is not null)
                {
                    break;
                }
            }
        }
        finally
        {
            // The tasks still training belong to no buffer: withdraw them and wait until they let go.
            await run.CancelAsync().ConfigureAwait(false);
            await parties.DrainAsync().ConfigureAwait(false);
        }

        return new RunResult(summaries, global, optimizer.SaveState(), final, null, time.GetElapsedTime(started).TotalSeconds, null, failure);
    }

    // Keeps the free parties training and folds what arrives until the buffer holds K updates, no more can come, or K
    // non-finite updates in a row arrived.
    private async Task FillAsync(BufferFold fold, RoundInfo info, ParameterSet global, IPartyRoster roster, Dispatcher parties, CancellationToken cancellationToken)
    {
        while (fold.Accepted < _buffered.BufferSize && fold.NonFiniteInARow < _buffered.BufferSize)
        {
            var nextDue = parties.Dispatch(roster.Eligible(info), fold, info, global);
            if (parties.Training == 0 && nextDue is null)
            {
                return;
            }

            if (await parties.NextAsync(nextDue, cancellationToken).ConfigureAwait(false) is { } arrival)
            {
                Resolve(arrival, fold, info.Round - 1, global.Layout);
            }
        }
    }

    private void Resolve(Arrival arrival, BufferFold fold, int version, ParameterLayout layout)
    {
        var party = arrival.Party;
        var reply = arrival.Reply;
        if (reply.Failure is { } failed)
        {
            fold.Fail(failed with { Party = party });
            return;
        }

        if (reply.Update is not { } update)
        {
            fold.Fail(new PartyFailure(party, FailureKind.Rejected, "the run is not protected, but the party sent a protected update; it is refused"));
            return;
        }

        fold.Received(update.Delta);
        var aggregator = _options.Strategy.Aggregator;
        if (RoundEngine.Validate(party, update, layout, aggregator) is { } rejected)
        {
            fold.Fail(rejected);
            return;
        }

        var staleness = version - arrival.TrainedOn;
        if (staleness > _buffered.MaxStaleness)
        {
            fold.Fail(
                new PartyFailure(party, FailureKind.Stale, $"trained on model version {arrival.TrainedOn}, {staleness} versions behind version {version}; updates.maxStaleness is {_buffered.MaxStaleness}"),
                new UpdateVersion(party, arrival.TrainedOn, version, 0));
            return;
        }

        var weight = StalenessWeight.Of(_buffered.Staleness, staleness, _buffered.StalenessExponent);
        if (weight != 1)
        {
            // The delta is the engine's now (PartyUpdate.Delta is owned by the receiver).
            aggregator.Scale(update.Delta, (float)weight);
        }

        fold.Accept(update, new UpdateVersion(party, arrival.TrainedOn, version, weight));
    }

    private string? Describe(BufferFold fold)
    {
        if (fold.Resolved == 0)
        {
            return "no party is eligible for this round (none is connected with data that fits the run)";
        }

        var needed = Math.Min(_buffered.BufferSize, _options.MinResults);
        return fold.Accepted < needed
            ? $"{fold.Accepted} updates accepted before no party was left to ask; the round needs at least {needed}"
            : fold.Aggregation.Problem;
    }

    /// <summary>An answer to a training task: the party, the version it trained from, and its reply.</summary>
    private sealed record Arrival(PartyId Party, int TrainedOn, PartyReply Reply);

    /// <summary>The parties' tasks in flight: starts them, and hands their answers to the engine's loop in arrival order.</summary>
    private sealed class Dispatcher(BufferedRoundEngine engine, IPartyChannel channel, CancellationToken runToken)
    {
        private readonly Channel<Arrival> _arrivals = Channel.CreateUnbounded<Arrival>(new UnboundedChannelOptions { SingleReader = true });
        private readonly Dictionary<PartyId, Task> _training = [];
        private readonly Dictionary<PartyId, long> _lastStarted = [];
        private readonly ParticipationPacer _pacer = new(engine._options.MinTimeBetweenTasks, engine._options.TimeProvider);
        private long _started;

        public int Training => _training.Count;

        /// <summary>Starts tasks for free eligible parties up to the concurrency; returns when the next party that is not due yet becomes due, or null.</summary>
        public TimeSpan? Dispatch(IReadOnlyList<PartyId> eligible, BufferFold fold, RoundInfo info, ParameterSet global)
        {
            var capacity = engine._buffered.Concurrency ?? int.MaxValue;
            TimeSpan? nextDue = null;
            if (_training.Count >= capacity)
            {
                return nextDue;
            }

            // Longest idle first; parties never sent a task keep the roster's order, ahead of the others.
            foreach (var party in eligible.OrderBy(p => _lastStarted.GetValueOrDefault(p, -1)))
            {
                if (_training.Count >= capacity)
                {
                    break;
                }

                if (_training.ContainsKey(party) || fold.HasResolved(party))
                {
                    continue;
                }

                if (_pacer.Wait(party) is var wait && wait > TimeSpan.Zero)
                {
                    nextDue = nextDue is { } due && due < wait ? due : wait;
                    continue;
                }

                _pacer.Started(party);
                _lastStarted[party] = _started++;
                var options = engine._options;
                var task = new TrainTask(info, global, engine.Plan, RunSeeds.Party(options.Seed, info.Round, party));
                _training[party] = TrainAsync(party, task);
            }

            return nextDue;
        }

        /// <summary>The next answer; null when <paramref name="due"/> passes first (a paced party became due).</summary>
        public async Task<Arrival?> NextAsync(TimeSpan? due, CancellationToken cancellationToken)
        {
            var reader = _arrivals.Reader;
            Arrival? arrival;
            if (!reader.TryRead(out arrival))
            {
                if (due is not { } wait)
                {
                    arrival = await reader.ReadAsync(cancellationToken).ConfigureAwait(false);
                }
                else
                {
                    using var timer = new CancellationTokenSource(wait, engine._options.TimeProvider);
                    using var linked = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken, timer.Token);
                    try
                    {
                        arrival = await reader.ReadAsync(linked.Token).ConfigureAwait(false);
                    }
                    catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
                    {
                        return null;
                    }
                }
            }

            _training.Remove(arrival.Party);
            return arrival;
        }

        /// <summary>Waits for every task in flight to end (call after cancelling the run's token).</summary>
        public Task DrainAsync() => Task.WhenAll(_training.Values);

        // Never throws: every outcome but the run's end becomes an arrival.
        private async Task TrainAsync(PartyId party, TrainTask task)
        {
            var options = engine._options;
            using var deadline = new CancellationTokenSource(options.Deadline, options.TimeProvider);
            using var linked = CancellationTokenSource.CreateLinkedTokenSource(runToken, deadline.Token);
            PartyReply reply;
            try
            {
                // WaitAsync: a channel that ignores cancellation must not hold a slot past the deadline.
                reply = await channel.TrainAsync(party, task, linked.Token).WaitAsync(linked.Token).ConfigureAwait(false);
            }
            catch (OperationCanceledException) when (runToken.IsCancellationRequested)
            {
                return;
            }
            catch (OperationCanceledException) when (deadline.IsCancellationRequested)
            {
                reply = PartyReply.Failed(new PartyFailure(party, FailureKind.Straggler, $"no answer within the task deadline of {options.Deadline}"));
            }
            catch (Exception exception)
            {
                reply = PartyReply.Failed(new PartyFailure(party, FailureKind.Dropout, $"the channel failed: {exception.GetType().Name}: {exception.Message}"));
            }

            _arrivals.Writer.TryWrite(new Arrival(party, task.Round.Round - 1, reply));
        }
    }
}
