using System.Diagnostics;
using Causeway.Core.Metrics;
using Causeway.Core.Tensors;
using Causeway.Core.Training;
using Causeway.Federation.Horizontal.DifferentialPrivacy;
using Causeway.Federation.Horizontal.Protection;

namespace Causeway.Federation.Horizontal;

/// <summary>
/// Runs the rounds of a horizontal federated run, for every strategy and every transport: select, send, fold
/// replies as they complete, enforce the deadline and the minimum, step the server optimizer, evaluate, report.
/// </summary>
/// <remarks>
/// <para>
/// Each round: the strategy's selector picks parties with a <see cref="Random"/> seeded from the run seed and the
/// round number (a resumed run selects the same parties); every selected party gets a <see cref="TrainTask"/> at
/// once; each reply is validated (same layout as the global model, all values finite, at least one example) and
/// folded into the streaming aggregation as soon as it completes, then dropped. A party that fails, answers with an
/// invalid update, or has not answered when the round's deadline passes is recorded as a <see cref="PartyFailure"/>.
/// With fewer than <see cref="RoundEngineOptions.MinResults"/> accepted updates, or when the aggregation reports a
/// <see cref="IAggregation.Problem"/> (Krum with too few updates), the round fails with that reason in
/// <see cref="RoundSummary.Problem"/> and the model is unchanged; otherwise the server optimizer steps it with the
/// aggregate as its pseudo-gradient. The observer then sees the closed round and its checkpoint.
/// </para>
/// <para>
/// The run fails — <see cref="RunResult.Failure"/> names the round and the value, and the rounds before stay closed —
/// when it diverges (<see cref="DivergenceRule"/>: every update of a round non-finite, an exploding or non-finite mean
/// training loss, a non-finite global model after the step; the diverged round is not closed), or as soon as more than
/// ⌊<see cref="RoundEngineOptions.MaxDegradedFraction"/> × rounds⌋ of its rounds have failed (that round is closed).
/// </para>
/// <para>
/// Failures are data; the engine throws only for bad arguments, a cancelled run, or an evaluator or observer that
/// throws. The engine is not re-entrant for one instance of a stateful server optimizer; each
/// <c>RunAsync</c> call makes its own through <see cref="Strategy.CreateServerOptimizer"/>.
/// </para>
/// </remarks>
public sealed class RoundEngine : IRunEngine
{
    private readonly RoundEngineOptions _options;
    private readonly TrainingPlan _plan;

    public RoundEngine(RoundEngineOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(options.Strategy);
        ArgumentNullException.ThrowIfNull(options.Plan);
        ArgumentNullException.ThrowIfNull(options.TimeProvider);
        ArgumentException.ThrowIfNullOrWhiteSpace(options.RunId, nameof(options));
        ArgumentOutOfRangeException.ThrowIfLessThan(options.Rounds, 1, nameof(options));
        ArgumentOutOfRangeException.ThrowIfLessThan(options.MinResults, 1, nameof(options));
        ArgumentOutOfRangeException.ThrowIfNegative(options.EvaluateEveryRounds, nameof(options));
        ArgumentNullException.ThrowIfNull(options.Divergence);
        if (options.MaxDegradedFraction is not (>= 0 and <= 1))
        {
            throw new ArgumentOutOfRangeException(nameof(options), options.MaxDegradedFraction, "The largest share of failed rounds must be in [0, 1].");
        }

        if (!(options.Divergence.LossFactor > 1) || !double.IsFinite(options.Divergence.LossFactor)
            || options.Divergence.ReferenceLoss is { } reference && !(reference > 0 && double.IsFinite(reference)))
        {
            throw new ArgumentOutOfRangeException(nameof(options), "The divergence rule needs a finite loss factor above 1 and a positive, finite reference loss (or none).");
        }

        if (options.Deadline <= TimeSpan.Zero)
        {
            throw new ArgumentOutOfRangeException(nameof(options), options.Deadline, "The round deadline must be positive.");
        }

        if (options.Buffered is not null)
        {
            throw new ArgumentException("The options ask for buffered asynchronous updates: run them with Buffered.BufferedRoundEngine (RunEngine.Create).", nameof(options));
        }

        ArgumentOutOfRangeException.ThrowIfLessThan(options.MinTimeBetweenTasks, TimeSpan.Zero, nameof(options));

        if (options.Privacy is { } privacy)
        {
            if (privacy.Validate(perRound: null) is { Count: > 0 } errors)
            {
                throw new ArgumentException($"Invalid privacy options: {string.Join("; ", errors)}.", nameof(options));
            }

            if (privacy.Client is not null && options.Strategy.Aggregator is not WeightedMeanAggregator { Weighting: AggregationWeighting.Uniform })
            {
                throw new ArgumentException(
                    "Client-level differential privacy needs the plain uniform mean as the aggregator: its sensitivity bound assumes every clipped update counts once.",
                    nameof(options));
            }

            // Under a protection the coordinator never holds a single update: only the parties can clip and noise
            // (distributed DP), the mean must be uniform, and the adaptive-clipping bits would be seen one by one.
            if (privacy.Client is { } client && options.Protection is { } protection
                && (client.Noise != NoisePlacement.Parties || client.AdaptiveClipping is not null || protection.WeightCap is not null))
            {
                throw new ArgumentException(
                    $"Client-level differential privacy with {protection.Name} needs the noise at the parties, a fixed clip norm and uniform weights (no weight cap).",
                    nameof(options));
            }
        }

        _plan = options.Strategy.ConfigurePlan(options.Plan);
        _plan.Validate();
        if (_plan.DpSgd is { } dpSgd && (options.Privacy?.Sample is not { } sample || sample.NoiseMultiplier != dpSgd.NoiseMultiplier || sample.ClipNorm != dpSgd.ClipNorm))
        {
            throw new ArgumentException("The plan's DP-SGD settings must be those of the privacy options' sample section, so that the ledger accounts for them.", nameof(options));
        }

        if (options.Privacy?.Sample is not null && _plan.DpSgd is null)
        {
            throw new ArgumentException("The privacy options ask for sample-level DP, but the plan does not train with DP-SGD.", nameof(options));
        }
        _options = options;
    }

    /// <summary>The training plan parties receive: the options' plan as adjusted by the strategy.</summary>
    public TrainingPlan Plan => _plan;

    /// <summary>Runs the remaining rounds of a run.</summary>
    /// <summary>Runs the remaining rounds of a run over a fixed set of parties (see <see cref="FixedRoster"/>).</summary>
    /// <param name="initialGlobal">The model before round 1 (not modified; ignored when resuming).</param>
    /// <param name="parties">The parties that may be selected, in a stable order (selection depends on it).</param>
    /// <param name="channel">How parties are reached.</param>
    /// <param name="evaluator">Scores the global model; null skips evaluation.</param>
    /// <param name="observer">Hears about every closed round; null for none.</param>
    /// <param name="resumeFrom">A checkpoint to continue from (at round LastClosedRound + 1), or null to start.</param>
    /// <param name="cancellationToken">Stops the run (throws <see cref="OperationCanceledException"/>).</param>
    public Task<RunResult> RunAsync(
        ParameterSet initialGlobal,
        IReadOnlyList<PartyId> parties,
        IPartyChannel channel,
        IGlobalEvaluator? evaluator,
        IRunObserver? observer,
        RunCheckpoint? resumeFrom,
        CancellationToken cancellationToken) =>
        RunAsync(initialGlobal, new FixedRoster(parties), channel, evaluator, observer, resumeFrom, cancellationToken);

    /// <summary>Runs the remaining rounds of a run; each round selects from the parties the roster has for it.</summary>
    /// <param name="initialGlobal">The model before round 1 (not modified; ignored when resuming).</param>
    /// <param name="roster">The parties eligible each round. A round with none fails (the model is unchanged).</param>
    /// <param name="channel">How parties are reached.</param>
    /// <param name="evaluator">Scores the global model; null skips evaluation.</param>
    /// <param name="observer">Hears about every closed round; null for none.</param>
    /// <param name="resumeFrom">A checkpoint to continue from (at round LastClosedRound + 1), or null to start.</param>
    /// <param name="cancellationToken">Stops the run (throws <see cref="OperationCanceledException"/>).</param>
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
        var ledger = _options.Privacy is { } privacy ? new PrivacyLedger(privacy) : null;
        var clientPrivacy = _options.Privacy?.Client is { } client ? new ClientPrivacy(client, _options.NoiseSource) : null;
        var (global, first) = RoundRules.Start(initialGlobal, resumeFrom, optimizer, _options.Rounds);
        if (ledger is not null && resumeFrom?.PrivacyState is { } privacyState && ledger.RestoreState(privacyState) is { } restoredClipNorm)
        {
            clientPrivacy?.RestoreClipNorm(restoredClipNorm);
        }

        string? stoppedEarly = null;
        string? failure = null;

        // Failed rounds and the divergence rule's reference loss continue across a resume.
        var degraded = resumeFrom?.DegradedRounds ?? 0;
        var referenceLoss = _options.Divergence.ReferenceLoss ?? resumeFrom?.ReferenceLoss;

        // The plain rounds' aggregate: allocated at the first plain round and written by every round's aggregation. It
        // never leaves the engine except as the argument of optimizer.Step, which keeps no reference to it; the global
        // model, which observers, checkpoints and in-flight train tasks hold on to, is a new set every round
        // (docs/adr/0010-reused-aggregation-buffers.md).
        ParameterSet? aggregateBuffer = null;

        var summaries = new List<RoundSummary>(_options.Rounds - first + 1);
        var pacer = new ParticipationPacer(_options.MinTimeBetweenTasks, time);
        Evaluation? final = null;
        for (var round = first; round <= _options.Rounds; round++)
        {
            cancellationToken.ThrowIfCancellationRequested();
            var roundStarted = time.GetTimestamp();
            var info = new RoundInfo(_options.RunId, round, _options.Rounds);

            // Periodic participation: only the parties whose last task started long enough ago are selected.
            var parties = await pacer.DueAsync(roster.Eligible(info), _options.MinResults, cancellationToken).ConfigureAwait(false);
            var selected = parties.Count == 0 ? [] : _options.Strategy.Selector.Select(info, parties, new Random(RunSeeds.Selection(_options.Seed, round)));
            foreach (var party in selected)
            {
                pacer.Started(party);
            }
            if (ledger?.ExceedsBudget(selected.Count, Math.Max(parties.Count, 1), selected, _plan) is { } overBudget)
            {
                stoppedEarly = $"stopped before round {round}: {overBudget}";
                break;
            }

            if (observer is not null)
            {
                await observer.OnRoundStartedAsync(info, selected, cancellationToken).ConfigureAwait(false);
            }

            var clipNorm = clientPrivacy?.ClipNorm;
            IAggregation? aggregation = null;
            if (_options.Protection is null)
            {
                // Every plain round aggregates into the run's one buffer; see aggregateBuffer.
                aggregateBuffer ??= new ParameterSet(global.Layout);
                aggregation = _options.Strategy.Aggregator.Begin(aggregateBuffer, info);
                if (clientPrivacy is not null)
                {
                    aggregation = clientPrivacy.Begin(aggregation, selected.Count);
                }
            }

            var fold = new RoundFold(aggregation, _options.FoldOrder, selected.Count);
            var updatePrivacy = clientPrivacy?.ForParties(selected.Count);
            string? problem;
            ParameterSet? aggregate = null;
            if (selected.Count == 0)
            {
                problem = "no party is eligible for this round (none is connected with data that fits the run)";
            }
            else if (_options.Protection is { } protection)
            {
                (aggregate, problem) = await RunProtectedRoundAsync(protection, info, global, selected, updatePrivacy, channel, fold, cancellationToken).ConfigureAwait(false);

                // Distributed DP: the parties clipped and noised under the masks; the mean becomes the sum over the selected
                // plus the noise share of any party whose update is not in it.
                if (aggregate is not null && clientPrivacy is not null)
                {
                    aggregate = clientPrivacy.Release(aggregate, fold.Accepted, selected.Count);
                }
            }
            else
            {
                Debug.Assert(aggregation is not null, "A plain round has begun its aggregation.");
                await CollectRoundAsync(info, global, selected, updatePrivacy, channel, fold, null, null, cancellationToken).ConfigureAwait(false);

                // A rule that cannot aggregate what arrived (Krum with too few updates) fails the round, like too few replies.
                problem = TooFew(fold) ?? aggregation.Problem;
                if (problem is null)
                {
                    aggregate = aggregation.Complete();
                }
            }

            // A diverged round is not closed: the run ends with the model of the round before.
            failure = DescribeNonFiniteRound(round, fold) ?? _options.Divergence.DescribeLoss(round, fold.TrainLoss, referenceLoss);
            if (failure is not null)
            {
                break;
            }

            if (referenceLoss is null && fold.TrainLoss is > 0 and var firstLoss)
            {
                referenceLoss = firstLoss;
            }

            var succeeded = problem is null;
            if (succeeded)
            {
                var (stepped, diverged) = RoundRules.Step(optimizer, global, aggregate!, info);
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

            var privacySpent = ledger?.Charge(selected.Count, Math.Max(parties.Count, 1), fold.ReceivedUpdates, _plan, clipNorm, released: succeeded);

            GlobalEvaluation? evaluation = null;
            if (evaluator is not null && _options.EvaluatesAfter(round))
            {
                evaluation = await evaluator.EvaluateAsync(global, info, cancellationToken).ConfigureAwait(false);
                final = evaluation?.Combined ?? final;
            }

            var summary = new RoundSummary(
                round,
                selected.Count,
                fold.Accepted,
                fold.Failures,
                succeeded,
                fold.TrainLoss,
                evaluation?.Combined,
                time.GetElapsedTime(roundStarted).TotalSeconds,
                fold.Bytes,
                fold.SlowestTrainSeconds,
                fold.Contributions,
                problem,
                privacySpent)
            {
                PartyEvaluations = evaluation?.Parties ?? [],
            };
            summaries.Add(summary);
            if (observer is not null)
            {
                var checkpoint = new RunCheckpoint(
                    round, global, optimizer.SaveState(), ledger?.SaveState(clientPrivacy?.ClipNorm), degraded, _options.Divergence.ReferenceLoss is null ? referenceLoss : null);
                await observer.OnRoundCompletedAsync(summary, checkpoint, cancellationToken).ConfigureAwait(false);
            }

            failure = _options.DescribeTooManyDegraded(degraded, round, problem);
            if (failure is not null)
            {
                break;
            }
        }

        if (stoppedEarly is not null && evaluator is not null && summaries is [.., { Evaluation: null } last])
        {
            // The budget ended the run early: score the model it leaves, as the last round would have been.
            final = (await evaluator.EvaluateAsync(global, new RoundInfo(_options.RunId, last.Round, _options.Rounds), cancellationToken).ConfigureAwait(false))?.Combined ?? final;
        }

        return new RunResult(summaries, global, optimizer.SaveState(), final, null, time.GetElapsedTime(started).TotalSeconds, stoppedEarly, failure);
    }

    // Divergence rule (1): updates arrived, and every one of them held NaN or infinite values.
    internal static string? DescribeNonFiniteRound(int round, RoundFold fold)
    {
        var failures = fold.Failures;
        var nonFinite = failures.Count(f => f.Kind == FailureKind.NonFinite);
        return nonFinite > 0 && fold.Accepted == 0 && !failures.Any(f => f.Kind == FailureKind.Rejected)
            ? $"round {round} diverged: every update that arrived ({nonFinite}) held NaN or infinite values; lower training.learningRate"
            : null;
    }

    private string? TooFew(RoundFold fold) =>
        fold.Accepted < _options.MinResults ? $"{fold.Accepted} updates accepted; the round needs at least {_options.MinResults}" : null;

    // Key phases before training, protected train replies folded into the running masked or encrypted sum, then
    // unmasking or decryption; the strategy's aggregation is not used (it would need the plain updates).
    private async Task<(ParameterSet? Aggregate, string? Problem)> RunProtectedRoundAsync(
        IUpdateProtection protection,
        RoundInfo info,
        ParameterSet global,
        IReadOnlyList<PartyId> selected,
        UpdatePrivacy? updatePrivacy,
        IPartyChannel channel,
        RoundFold fold,
        CancellationToken cancellationToken)
    {
        var aggregator = _options.Strategy.Aggregator;
        var round = protection.Begin(new ProtectedRoundContext(aggregator.ProtectedLayout(global.Layout), info, selected, _options.Deadline, _options.TimeProvider, _options.PartyCertificates));
        var dropped = new HashSet<PartyId>();
        foreach (var failure in await round.PrepareAsync(channel, cancellationToken).ConfigureAwait(false))
        {
            dropped.Add(failure.Party);
            fold.Fail(IndexOf(selected, failure.Party), failure);
        }

        if (round.Problem is { } early)
        {
            return (null, early);
        }

        await CollectRoundAsync(info, global, selected, updatePrivacy, channel, fold, round, dropped, cancellationToken).ConfigureAwait(false);
        if (TooFew(fold) is { } tooFew)
        {
            return (null, tooFew);
        }

        var mean = await round.CompleteAsync(channel, cancellationToken).ConfigureAwait(false);
        return (mean is null ? null : aggregator.CompleteProtected(mean, fold.Accepted, global.Layout), round.Problem);
    }

    private static int IndexOf(IReadOnlyList<PartyId> selected, PartyId party)
    {
        for (var i = 0; i < selected.Count; i++)
        {
            if (selected[i] == party)
            {
                return i;
            }
        }

        throw new InvalidOperationException($"The protection reported a failure of '{party}', which was not selected.");
    }

    private async Task CollectRoundAsync(
        RoundInfo info,
        ParameterSet global,
        IReadOnlyList<PartyId> selected,
        UpdatePrivacy? updatePrivacy,
        IPartyChannel channel,
        RoundFold fold,
        IProtectedRound? protectedRound,
        IReadOnlySet<PartyId>? dropped,
        CancellationToken cancellationToken)
    {
        using var deadline = new CancellationTokenSource(_options.Deadline, _options.TimeProvider);
        using var linked = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken, deadline.Token);
        var collecting = new List<Task>(selected.Count);
        for (var i = 0; i < selected.Count; i++)
        {
            if (dropped?.Contains(selected[i]) == true)
            {
                continue;
            }

            // A channel that answers synchronously is folded right here, before the next task is sent.
            var task = new TrainTask(info, global, _plan, RunSeeds.Party(_options.Seed, info.Round, selected[i]), updatePrivacy)
            {
                Protection = protectedRound?.InstructionFor(selected[i]),
            };
            collecting.Add(CollectAsync(i, selected[i], task, channel, fold, protectedRound, linked.Token, cancellationToken));
        }

        await Task.WhenAll(collecting).ConfigureAwait(false);
    }

    private async Task CollectAsync(
        int index,
        PartyId party,
        TrainTask task,
        IPartyChannel channel,
        RoundFold fold,
        IProtectedRound? protectedRound,
        CancellationToken roundToken,
        CancellationToken runToken)
    {
        PartyReply reply;
        try
        {
            // WaitAsync: a channel that ignores cancellation must not hold the round past its deadline.
            reply = await channel.TrainAsync(party, task, roundToken).WaitAsync(roundToken).ConfigureAwait(false);
        }
        catch (OperationCanceledException) when (runToken.IsCancellationRequested)
        {
            throw;
        }
        catch (OperationCanceledException) when (roundToken.IsCancellationRequested)
        {
            fold.Fail(index, new PartyFailure(party, FailureKind.Straggler, $"no answer within the round deadline of {_options.Deadline}"));
            return;
        }
        catch (Exception exception)
        {
            // A channel fault (including its own timeouts) is this party's dropout, not the round's failure.
            fold.Fail(index, new PartyFailure(party, FailureKind.Dropout, $"the channel failed: {exception.GetType().Name}: {exception.Message}"));
            return;
        }

        if (reply.Failure is { } failure)
        {
            fold.Fail(index, failure with { Party = party });
            return;
        }

        if (protectedRound is not null || reply.Protected is not null)
        {
            FoldProtected(index, party, reply, fold, protectedRound);
            return;
        }

        var update = reply.Update!;
        fold.Received(party, update);
        if (Validate(party, update, task.Global.Layout, _options.Strategy.Aggregator) is { } rejected)
        {
            fold.Fail(index, rejected);
            return;
        }

        fold.Accept(index, update);
    }

    private static void FoldProtected(int index, PartyId party, PartyReply reply, RoundFold fold, IProtectedRound? protectedRound)
    {
        if (reply.Protected is not { } update)
        {
            // The party trained, but answered in the clear: the round promised the others that no update is seen.
            fold.Fail(index, new PartyFailure(party, FailureKind.Rejected, "the round is protected, but the party sent a plain delta; it is refused"));
            return;
        }

        fold.ReceivedProtected(party, update);
        if (update.Party == party && !double.IsFinite(update.TrainLoss))
        {
            fold.Fail(index, new PartyFailure(party, FailureKind.NonFinite, "the train loss is not finite"));
            return;
        }

        var problem = update.Party != party ? $"the update claims to come from '{update.Party}'"
            : update.Examples <= 0 ? $"the update reports {update.Examples} training examples; at least 1 is required"
            : protectedRound is null ? "a protected update was sent in a plain round"
            : protectedRound.Accept(update);
        if (problem is not null)
        {
            fold.Fail(index, new PartyFailure(party, FailureKind.Rejected, problem));
            return;
        }

        fold.AcceptProtected(index, update);
    }

    /// <summary>Returns why an update must be rejected, or null when it may be folded.</summary>
    /// <remarks>The coordinator's protocol layer refuses the same updates, with the same kinds, before they reach the engine.</remarks>
    internal static PartyFailure? Validate(PartyId party, PartyUpdate update, ParameterLayout layout, IAggregator aggregator)
    {
        if (update.Party != party)
        {
            return new PartyFailure(party, FailureKind.Rejected, $"the update claims to come from '{update.Party}'");
        }

        if (aggregator.DescribeMisfit(layout, update.Delta) is { } misfit)
        {
            return new PartyFailure(party, FailureKind.Rejected, misfit);
        }

        if (update.Examples <= 0)
        {
            return new PartyFailure(party, FailureKind.Rejected, $"the update reports {update.Examples} training examples; at least 1 is required");
        }

        return !double.IsFinite(update.TrainLoss) ? new PartyFailure(party, FailureKind.NonFinite, "the train loss is not finite")
            : !update.Delta.AllFinite() ? new PartyFailure(party, FailureKind.NonFinite, "the delta contains NaN or infinite values")
            : null;
    }
}
