using System.Diagnostics;
using System.Security.Cryptography;
using Causeway.Federation.Vertical.Alignment;
using Causeway.Federation.Vertical.Training;

namespace Causeway.Federation.Vertical.Network;

/// <summary>
/// Drives a <see cref="VerticalJobConfig"/> over an <see cref="IStepChannel"/>: the coordinator's side of a vertical
/// job. It relays PSI batches between the guest and each host, then runs vertical linear training batch by batch and
/// scores the held-out rows. It holds no data and decodes nothing it relays (ciphertexts stay bytes).
/// </summary>
/// <remarks>
/// The same driver runs in simulation (an in-memory channel to <see cref="VerticalParty"/> objects) and over the
/// network (the coordinator's mailbox to <c>causeway party</c> processes). Hosts work concurrently; each party takes its
/// steps one at a time. Steps are numbered (the round of <see cref="ProtocolStep.Round"/>); a step whose answer was
/// lost because the party disconnected is re-sent with its number once the party is back, and the party answers it
/// from memory if it had taken it. A step the party refuses, or that is not answered within the step timeout, fails
/// the job with the party and the reason.
/// </remarks>
public sealed class VerticalJob
{
    private readonly VerticalJobConfig _config;
    private readonly IStepChannel _channel;
    private readonly PartyId _guest;
    private readonly PartyId[] _hosts;
    private static readonly TimeSpan ResendDelay = TimeSpan.FromMilliseconds(250);
    // Between a job's id and the nonce of one of its runs, in the session every step carries.
    private const char SessionSeparator = '~';

    private readonly string _session;
    private CancellationTokenSource? _abort;
    private VerticalJobException? _failure;
    private long _bytes;
    private int _steps;
    private int _resent;

    /// <param name="id">The job's id, unique per coordinator: parties key their state by it.</param>
    /// <param name="config">The validated job.</param>
    /// <param name="channel">The way to the parties.</param>
    public VerticalJob(string id, VerticalJobConfig config, IStepChannel channel)
    {
        ArgumentException.ThrowIfNullOrEmpty(id);
        ArgumentNullException.ThrowIfNull(config);
        ArgumentNullException.ThrowIfNull(channel);
        Id = id;

        // Parties key the job's state by this, so a run that reuses an id never meets an earlier run's state or answers.
        _session = $"{id}{SessionSeparator}{Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(6))}";
        _config = config;
        _channel = channel;
        _guest = new PartyId(config.Guest);
        _hosts = [.. config.Hosts.Select(h => new PartyId(h))];
    }

    /// <summary>The job's id as the control API names it, from the session its steps carry ("ID~NONCE").</summary>
    public static string IdOfSession(string session)
    {
        ArgumentNullException.ThrowIfNull(session);
        return session.LastIndexOf(SessionSeparator) is var at and >= 0 ? session[..at] : session;
    }

    public string Id { get; }

    /// <summary>How many steps had to be re-sent (their answer was lost, or the party was away) before the party answered.</summary>
    public int ResentSteps => Volatile.Read(ref _resent);

    /// <summary>Called after each relayed batch and each training batch (the stage, done and total).</summary>
    public IProgress<VerticalJobProgress>? Progress { get; init; }

    /// <summary>Runs the job to the end.</summary>
    /// <exception cref="VerticalJobException">A party refused or failed a step, or did not answer in time.</exception>
    public async Task<VerticalJobResult> RunAsync(CancellationToken cancellationToken)
    {
        // The first failed step cancels the job's other open steps, so the job fails at once rather than after them.
        using var abort = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        _abort = abort;
        try
        {
            var clock = Stopwatch.StartNew();
            var alignment = await AlignAsync(abort.Token).ConfigureAwait(false);
            alignment = alignment with { Seconds = clock.Elapsed.TotalSeconds, RelayedBytes = Interlocked.Read(ref _bytes) };
            var training = _config.Training is { } settings ? await TrainAsync(settings, abort.Token).ConfigureAwait(false)
                : _config.SplitNetwork is { } split ? await TrainSplitAsync(split, abort.Token).ConfigureAwait(false)
                : _config.Transfer is { } transfer ? await TrainTransferAsync(transfer, abort.Token).ConfigureAwait(false)
                : null;
            return new VerticalJobResult(Id, _config.Name, alignment, training, ResentSteps);
        }
        catch (OperationCanceledException) when (_failure is { } failure && !cancellationToken.IsCancellationRequested)
        {
            throw failure;
        }
        finally
        {
            _abort = null;
        }
    }

    /// <summary>
    /// Vertical inference after a completed run: each host answers its partial scores of <paramref name="ids"/> from its
    /// own rows, and the guest adds its own and applies the link. The parties keep the job's model (up to
    /// <see cref="VerticalParty.MaxJobs"/> jobs, until they restart).
    /// </summary>
    /// <returns>Per ID, the prediction (probability of class 1, or the value), or NaN where a party does not hold the ID.</returns>
    /// <exception cref="VerticalJobException">The job trained no model, or a party failed the step.</exception>
    public async Task<IReadOnlyList<double>> ScoreAsync(IReadOnlyList<string> ids, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(ids);
        if (_config.Training is null)
        {
            throw new VerticalJobException($"Job '{Id}' trained no linear model: scoring IDs works for linear models (a split network scores its held-out rows only).");
        }

        var hostScores = await Task.WhenAll(_hosts.Select(host => StepAsync<LinearValues>(host, new LinearScoreIds(_session, ids, []), cancellationToken))).ConfigureAwait(false);
        var predictions = await StepAsync<LinearValues>(_guest, new LinearScoreIds(_session, ids, hostScores), cancellationToken).ConfigureAwait(false);
        return predictions.Plain is { } values && values.Length == ids.Count
            ? values
            : throw new VerticalJobException($"Party '{_guest}' answered {predictions.Plain?.Length ?? 0} predictions for {ids.Count} IDs.");
    }

    private async Task<VerticalAlignmentSummary> AlignAsync(CancellationToken cancellationToken)
    {
        var salt = AlignmentSettings.NewSalt();
        var psi = _config.Psi;
        var guestOpened = await StepAsync<PsiReply>(_guest, new PsiOpen(_session, -1, _hosts.Length, salt, psi.Mode, psi.BatchSize), cancellationToken).ConfigureAwait(false);
        var hostOpened = await Task.WhenAll(_hosts.Select((host, h) => StepAsync<PsiReply>(host, new PsiOpen(_session, h, _hosts.Length, salt, psi.Mode, psi.BatchSize), cancellationToken))).ConfigureAwait(false);
        var total = guestOpened.Ids * _hosts.Length + hostOpened.Sum(r => r.Ids);
        var done = 0L;

        // 1. Guest points to every host, each host's tags back to the guest. The next guest batch is computed while
        //    the hosts work on this one.
        var next = PullAsync(_guest, PsiStream.GuestPoints, 0, cancellationToken);
        while (true)
        {
            var batch = await next.ConfigureAwait(false);
            next = batch.IsLast ? null : PullAsync(_guest, PsiStream.GuestPoints, 0, cancellationToken);
            var tags = await Task.WhenAll(_hosts.Select((host, h) => StepAsync<PsiReply>(host, new PsiPush(_session, h, batch), cancellationToken))).ConfigureAwait(false);
            for (var h = 0; h < _hosts.Length; h++)
            {
                foreach (var reply in tags[h].Batches)
                {
                    await StepAsync<PsiReply>(_guest, new PsiPush(_session, h, reply), cancellationToken).ConfigureAwait(false);
                }
            }

            Report("psi", done += Records(batch) * _hosts.Length, total);
            if (next is null)
            {
                break;
            }
        }

        // 2. Each host's points to the guest, the host computing its next batch while the guest matches this one.
        for (var h = 0; h < _hosts.Length; h++)
        {
            var pending = PullAsync(_hosts[h], PsiStream.HostPoints, h, cancellationToken);
            while (pending is not null)
            {
                var batch = await pending.ConfigureAwait(false);
                pending = batch.IsLast ? null : PullAsync(_hosts[h], PsiStream.HostPoints, h, cancellationToken);
                await StepAsync<PsiReply>(_guest, new PsiPush(_session, h, batch), cancellationToken).ConfigureAwait(false);
                Report("psi", done += Records(batch), total);
            }
        }

        // 3. The guest intersects; each host gets its result.
        var finished = await StepAsync<PsiReply>(_guest, new PsiFinish(_session), cancellationToken).ConfigureAwait(false);
        var hostIntersections = new long?[_hosts.Length];
        for (var h = 0; h < _hosts.Length; h++)
        {
            var results = await StepAsync<PsiReply>(_guest, new PsiPull(_session, PsiStream.Result, h), cancellationToken).ConfigureAwait(false);
            foreach (var batch in results.Batches)
            {
                hostIntersections[h] = (await StepAsync<PsiReply>(_hosts[h], new PsiPush(_session, h, batch), cancellationToken).ConfigureAwait(false)).Intersection;
            }
        }

        return new VerticalAlignmentSummary(guestOpened.Ids, [.. hostOpened.Select(r => r.Ids)], finished.Intersection ?? 0, hostIntersections, 0, 0);
    }

    private async Task<PsiBatch> PullAsync(PartyId party, PsiStream stream, int host, CancellationToken cancellationToken)
    {
        var reply = await StepAsync<PsiReply>(party, new PsiPull(_session, stream, host), cancellationToken).ConfigureAwait(false);
        return reply.Batches.Count == 1 ? reply.Batches[0] : throw new VerticalJobException($"Party '{party}' answered a {stream} pull with {reply.Batches.Count} batches.");
    }

    private async Task<VerticalTrainingSummary> TrainAsync(HeteroLinearOptions options, CancellationToken cancellationToken)
    {
        var holdout = _config.Holdout;
        LinearOpen Open(VerticalRole role, int host, byte[]? key) => new(_session, role, host, options, _config.KeyBits, key, holdout.Seed, holdout.Fraction);

        // The key holder first (the arbiter, or the guest in two-party mode), then everyone who encrypts under its key.
        PartyId? arbiter = _config.Arbiter is { } name ? new PartyId(name) : null;
        var arbiterKey = arbiter is { } a ? (await StepAsync<TrainingOpened>(a, Open(VerticalRole.Arbiter, -1, null), cancellationToken).ConfigureAwait(false)).PublicKey : null;
        var guest = await StepAsync<TrainingOpened>(_guest, Open(VerticalRole.Guest, -1, arbiterKey), cancellationToken).ConfigureAwait(false);
        var hostKey = arbiterKey ?? guest.PublicKey;
        var hosts = await Task.WhenAll(_hosts.Select((host, h) => StepAsync<TrainingOpened>(host, Open(VerticalRole.Host, h, hostKey), cancellationToken))).ConfigureAwait(false);
        CheckAligned([guest, .. hosts]);

        var keyHolder = arbiter ?? _guest;
        var clock = Stopwatch.StartNew();
        var batchesPerEpoch = (guest.TrainRows + options.BatchSize - 1) / options.BatchSize;
        var number = 0L;
        for (var epoch = 0; epoch < options.Epochs; epoch++)
        {
            for (var index = 0; index < batchesPerEpoch; index++)
            {
                await RunBatchAsync(epoch, index, number++, keyHolder, arbiter is not null, cancellationToken).ConfigureAwait(false);
                Report("train", number, (long)batchesPerEpoch * options.Epochs);
            }
        }

        var seconds = clock.Elapsed.TotalSeconds;
        var holdoutScores = await Task.WhenAll(_hosts.Select(host => StepAsync<LinearValues>(host, Batch(LinearStepKind.HoldoutScores, 0, 0, -1), cancellationToken))).ConfigureAwait(false);
        var evaluation = await StepAsync<HeldOutScores>(_guest, Batch(LinearStepKind.Evaluate, 0, 0, -1, holdoutScores), cancellationToken).ConfigureAwait(false);
        return new VerticalTrainingSummary(
            guest.TrainRows,
            guest.TestRows,
            [guest.Features, .. hosts.Select(h => h.Features)],
            options.Epochs,
            seconds / options.Epochs,
            new VerticalEvaluation(evaluation.Rows, evaluation.Accuracy, evaluation.Auc, evaluation.Loss));
    }

    // The split network of SplitNetworkTraining, step by step: the guest is party 0 (its bottom model and the top model).
    private async Task<VerticalTrainingSummary> TrainSplitAsync(SplitNetworkOptions options, CancellationToken cancellationToken)
    {
        PartyId[] parties = [_guest, .. _hosts];
        var holdout = _config.Holdout;
        var opened = await Task.WhenAll(parties.Select((party, p) => StepAsync<TrainingOpened>(
            party, new SplitOpen(_session, p == 0 ? VerticalRole.Guest : VerticalRole.Host, p, parties.Length, options, holdout.Seed, holdout.Fraction), cancellationToken))).ConfigureAwait(false);
        CheckAligned(opened);

        SplitBatchStep Step(SplitStepKind kind, int epoch, int index, long number, params IReadOnlyList<SplitValues> inputs) => new(_session, kind, epoch, index, number, inputs);
        var clock = Stopwatch.StartNew();
        var batchesPerEpoch = (opened[0].TrainRows + options.BatchSize - 1) / options.BatchSize;
        var number = 0L;
        for (var epoch = 0; epoch < options.Epochs; epoch++)
        {
            for (var index = 0; index < batchesPerEpoch; index++, number++)
            {
                var embeddings = await Task.WhenAll(parties.Select(party => StepAsync<SplitReply>(party, Step(SplitStepKind.Forward, epoch, index, number), cancellationToken))).ConfigureAwait(false);
                var gradients = await StepAsync<SplitReply>(_guest, Step(SplitStepKind.Top, epoch, index, number, [.. embeddings.SelectMany(e => e.Values)]), cancellationToken).ConfigureAwait(false);
                await Task.WhenAll(parties.Select((party, p) => StepAsync<SplitReply>(party, Step(SplitStepKind.Backward, epoch, index, number, gradients.Values.Single(g => g.Party == p)), cancellationToken))).ConfigureAwait(false);
                Report("train", number + 1, (long)batchesPerEpoch * options.Epochs);
            }
        }

        var seconds = clock.Elapsed.TotalSeconds;
        var holdoutEmbeddings = await Task.WhenAll(parties.Select(party => StepAsync<SplitReply>(party, Step(SplitStepKind.HoldoutEmbed, 0, 0, -1), cancellationToken))).ConfigureAwait(false);
        var evaluation = await StepAsync<HeldOutScores>(_guest, Step(SplitStepKind.Evaluate, 0, 0, -1, [.. holdoutEmbeddings.SelectMany(e => e.Values)]), cancellationToken).ConfigureAwait(false);
        return new VerticalTrainingSummary(
            opened[0].TrainRows,
            opened[0].TestRows,
            [.. opened.Select(o => o.Features)],
            options.Epochs,
            seconds / options.Epochs,
            new VerticalEvaluation(evaluation.Rows, evaluation.Accuracy, evaluation.Auc, evaluation.Loss));
    }

    // Federated transfer learning (docs/transfer.md), the protected exchange of FederatedTransfer.Train relayed step by step:
    // each training step is seven messages, alternating between the source (the guest) and the target (the one host).
    private async Task<VerticalTrainingSummary> TrainTransferAsync(Transfer.TransferOptions options, CancellationToken cancellationToken)
    {
        var target = _hosts[0];
        var holdout = _config.Holdout;
        var source = await StepAsync<TrainingOpened>(_guest, new TransferOpen(_session, VerticalRole.Guest, options, holdout.Seed, holdout.Fraction, 0), cancellationToken).ConfigureAwait(false);
        var opened = await StepAsync<TrainingOpened>(
            target, new TransferOpen(_session, VerticalRole.Host, options, holdout.Seed, holdout.Fraction, source.Features), cancellationToken).ConfigureAwait(false);
        CheckAligned([source, opened]);
        var (sourceKey, targetKey) = (source.PublicKey ?? [], opened.PublicKey ?? []);

        TransferStep Step(TransferStepKind kind, int epoch, double[]? numbers = null, IReadOnlyList<byte[]>? values = null, IReadOnlyList<byte[]>? outer = null, byte[]? key = null) =>
            new(_session, kind, epoch, numbers ?? [], values ?? [], outer ?? [], key ?? []);
        Task<TransferValues> AskAsync(PartyId party, TransferStep step) => StepAsync<TransferValues>(party, step, cancellationToken);

        var clock = Stopwatch.StartNew();
        double[] phi = [];
        for (var epoch = 0; epoch < options.Epochs; epoch++)
        {
            var terms = await AskAsync(_guest, Step(TransferStepKind.SourceTerms, epoch)).ConfigureAwait(false);
            var masked = await AskAsync(target, Step(TransferStepKind.TargetMasked, epoch, terms.Phi, terms.Values, key: sourceKey)).ConfigureAwait(false);
            var decrypted = await AskAsync(_guest, Step(TransferStepKind.SourceDecrypt, epoch, values: masked.Values)).ConfigureAwait(false);
            var representations = await AskAsync(target, Step(TransferStepKind.TargetUnmask, epoch, values: decrypted.Values)).ConfigureAwait(false);
            var sourceMasked = await AskAsync(_guest, Step(TransferStepKind.SourceMasked, epoch, values: representations.Values, outer: representations.Outer, key: targetKey))
                .ConfigureAwait(false);
            var targetDecrypted = await AskAsync(target, Step(TransferStepKind.TargetDecrypt, epoch, values: sourceMasked.Values)).ConfigureAwait(false);
            phi = (await AskAsync(_guest, Step(TransferStepKind.SourceStep, epoch, values: targetDecrypted.Values)).ConfigureAwait(false)).Phi;
            Report("train", epoch + 1, options.Epochs);
        }

        var seconds = clock.Elapsed.TotalSeconds;
        var scores = await AskAsync(target, Step(TransferStepKind.TargetScore, -1, phi)).ConfigureAwait(false);
        var evaluation = await StepAsync<HeldOutScores>(_guest, Step(TransferStepKind.SourceEvaluate, -1, scores.Scores), cancellationToken).ConfigureAwait(false);
        return new VerticalTrainingSummary(
            source.TrainRows, source.TestRows, [source.Features, opened.Features], options.Epochs, seconds / options.Epochs,
            new VerticalEvaluation(evaluation.Rows, evaluation.Accuracy, evaluation.Auc, evaluation.Loss));
    }

    // Every party (the guest first) must have derived the same training and held-out rows, and both must be non-empty.
    private static void CheckAligned(IReadOnlyList<TrainingOpened> opened)
    {
        var guest = opened[0];
        if (opened.FirstOrDefault(o => o.TrainRows != guest.TrainRows || o.TestRows != guest.TestRows) is { } mismatch)
        {
            throw new VerticalJobException($"The parties disagree on the aligned rows: the guest has {guest.TrainRows} + {guest.TestRows}, a host {mismatch.TrainRows} + {mismatch.TestRows}.");
        }

        if (guest.TrainRows == 0 || guest.TestRows == 0)
        {
            throw new VerticalJobException(
                $"The intersection leaves {guest.TrainRows} training and {guest.TestRows} held-out rows; training needs both (more common IDs, or another holdout.fraction).");
        }
    }

    // One mini-batch of Hardy et al.'s protocol, in the order of HeteroLinearTraining.RunBatch.
    private async Task RunBatchAsync(int epoch, int index, long number, PartyId keyHolder, bool withArbiter, CancellationToken cancellationToken)
    {
        var scores = await Task.WhenAll(_hosts.Select(host => StepAsync<LinearValues>(host, Batch(LinearStepKind.Scores, epoch, index, number), cancellationToken))).ConfigureAwait(false);
        var residual = await StepAsync<LinearValues>(_guest, Batch(LinearStepKind.Residual, epoch, index, number, scores), cancellationToken).ConfigureAwait(false);
        var steps = _hosts.Select(async host =>
        {
            var masked = await StepAsync<LinearValues>(host, Batch(LinearStepKind.Gradient, epoch, index, number, residual), cancellationToken).ConfigureAwait(false);
            if (masked.Kind != LinearValuesKind.None)
            {
                var decrypted = await StepAsync<LinearValues>(keyHolder, Batch(LinearStepKind.Decrypt, epoch, index, number, masked), cancellationToken).ConfigureAwait(false);
                await StepAsync<LinearValues>(host, Batch(LinearStepKind.Unmask, epoch, index, number, decrypted), cancellationToken).ConfigureAwait(false);
            }
        }).ToList();
        if (withArbiter)
        {
            steps.Add(Task.Run(
                async () =>
                {
                    var masked = await StepAsync<LinearValues>(_guest, Batch(LinearStepKind.MaskOwn, epoch, index, number), cancellationToken).ConfigureAwait(false);
                    var decrypted = await StepAsync<LinearValues>(keyHolder, Batch(LinearStepKind.Decrypt, epoch, index, number, masked), cancellationToken).ConfigureAwait(false);
                    await StepAsync<LinearValues>(_guest, Batch(LinearStepKind.Unmask, epoch, index, number, decrypted), cancellationToken).ConfigureAwait(false);
                },
                cancellationToken));
        }

        await Task.WhenAll(steps).ConfigureAwait(false);
    }

    private LinearBatchStep Batch(LinearStepKind kind, int epoch, int index, long number, params IReadOnlyList<LinearValues> inputs) =>
        new(_session, kind, epoch, index, number, inputs);

    // Sends one numbered step; a step lost to a disconnect is re-sent with the same number (the party answers a repeated
    // number from memory) until the party answers or the step's time runs out.
    private async Task<T> StepAsync<T>(PartyId party, VerticalMessage request, CancellationToken cancellationToken)
        where T : VerticalMessage
    {
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        timeout.CancelAfter(TimeSpan.FromSeconds(_config.StepTimeoutSeconds));
        var step = new ProtocolStep(new RoundInfo(Id, Interlocked.Increment(ref _steps), 0), request);
        ProtocolStepReply reply;
        try
        {
            var resent = false;
            while ((reply = await _channel.ExchangeAsync(party, step, timeout.Token).ConfigureAwait(false)).IsLost)
            {
                if (!resent)
                {
                    resent = true;
                    Interlocked.Increment(ref _resent);
                }

                await Task.Delay(ResendDelay, timeout.Token).ConfigureAwait(false);
            }
        }
        catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
        {
            throw Fail($"Party '{party}' did not answer {request.Name} within {_config.StepTimeoutSeconds} s.");
        }

        Interlocked.Add(ref _bytes, request.PayloadBytes + (reply.Reply?.PayloadBytes ?? 0));
        return reply.Failure is { } failure ? throw Fail($"Party '{party}' failed {request.Name}: {failure}")
            : reply.Reply as T ?? throw Fail($"Party '{party}' answered {request.Name} with {reply.Reply?.Name ?? "nothing"}, not {typeof(T).Name}.");
    }

    // Records the job's first failure and cancels its other open steps.
    private VerticalJobException Fail(string reason)
    {
        var failure = new VerticalJobException(reason);
        Interlocked.CompareExchange(ref _failure, failure, null);
        try
        {
            _abort?.Cancel();
        }
        catch (ObjectDisposedException)
        {
        }

        return failure;
    }

    private void Report(string stage, long done, long total) => Progress?.Report(new VerticalJobProgress(stage, done, total));

    private static long Records(PsiBatch batch) => batch.Stream == PsiStream.GuestTags ? batch.Payload.Length / 16 : batch.Payload.Length / Privacy.Psi.EcdhPsiCipher.PointBytes;
}
