using Causeway.Federation.Vertical.Alignment;
using Causeway.Federation.Vertical.Data;
using Causeway.Federation.Vertical.Training;
using Causeway.Privacy.Psi;

namespace Causeway.Federation.Vertical.Network;

/// <summary>One vertical job at one party: its PSI session, its aligned rows and its half of the model.</summary>
internal sealed class VerticalJobState : IDisposable
{
    private readonly VerticalTable? _table;
    private readonly string? _workDirectory;
    private PsiOpen? _psi;
    private PsiGuest? _guest;
    private PsiHost? _host;
    private IEnumerator<PsiBatch>? _outgoing;
    private int? _unacknowledged;
    private List<int>? _intersectionRows;
    private long? _intersection;
    private LinearRole? _linear;
    private SplitRole? _split;
    private TransferRole? _transfer;
    private readonly Dictionary<int, VerticalMessage> _answers = [];
    private readonly Queue<int> _answerOrder = new();
    private long _answerBytes;

    public VerticalJobState(string id, VerticalTable? table, string? workDirectory)
    {
        Id = id;
        _table = table;
        _workDirectory = workDirectory;
    }

    public string Id { get; }

    /// <summary>When a step last touched the job (the least recently used job is dropped first).</summary>
    public long LastUsed { get; private set; } = Environment.TickCount64;

    public VerticalJobState Touch()
    {
        LastUsed = Environment.TickCount64;
        return this;
    }

    /// <summary>The answer already given to step <paramref name="number"/> of this job, if any (a step re-sent after its answer was lost).</summary>
    public bool TryReplay(int number, out VerticalMessage? answer) => _answers.TryGetValue(number, out answer);

    /// <summary>Keeps the answers to the last <see cref="RememberedAnswers"/> numbered steps, so that a re-sent step is answered, not taken twice.</summary>
    public void Remember(int number, VerticalMessage answer)
    {
        if (number <= 0 || !_answers.TryAdd(number, answer))
        {
            return;
        }

        _answerOrder.Enqueue(number);
        _answerBytes += answer.PayloadBytes;
        while (_answerOrder.Count > RememberedAnswers || (_answerBytes > RememberedBytes && _answerOrder.Count > 1))
        {
            var dropped = _answerOrder.Dequeue();
            _answerBytes -= _answers[dropped].PayloadBytes;
            _answers.Remove(dropped);
        }
    }

    /// <summary>How many answers a job keeps for re-sent steps (more than the steps a driver has open at once: a party and each host).</summary>
    public const int RememberedAnswers = 32;

    /// <summary>The most bytes of answers a job keeps (the latest answer is always kept).</summary>
    public const long RememberedBytes = 64L << 20;

    public PsiReply OpenPsi(PsiOpen open)
    {
        // The table's IDs are normalised already (VerticalTable.Load); the default options leave them as they are.
        var table = _table ?? throw new InvalidOperationException($"Job '{Id}': this party holds no table.");
        var settings = new AlignmentSettings(open.Salt, open.Mode, open.BatchSize);
        settings.Validate();
        _psi = open;
        if (open.Host < 0)
        {
            Directory.CreateDirectory(_workDirectory!);
            _guest = new PsiGuest(settings, PsiGuest.NewState(open.Hosts), table.Ids, _workDirectory!);
        }
        else
        {
            _host = new PsiHost(settings, PsiHost.NewState(), table.Ids);
        }

        return new PsiReply([], table.Rows, null);
    }

    public PsiReply Pull(PsiPull pull)
    {
        var psi = _psi ?? throw new InvalidOperationException($"Job '{Id}': PSI was not opened.");
        if (pull.Stream == PsiStream.Result)
        {
            var guest = _guest ?? throw new InvalidOperationException($"Job '{Id}': only the guest sends results.");
            if ((uint)pull.Host >= (uint)psi.Hosts)
            {
                throw new ArgumentException($"Job '{Id}': there is no host {pull.Host} (of {psi.Hosts}).");
            }

            return new PsiReply(guest.ResultFor(pull.Host), _table!.Rows, _intersection);
        }

        if (pull.Stream == PsiStream.GuestPoints && _guest is not null)
        {
            _outgoing ??= _guest.GuestPoints().GetEnumerator();
        }
        else if (pull.Stream == PsiStream.HostPoints && _host is not null)
        {
            if (_unacknowledged is { } index)
            {
                // The coordinator has the previous batch (it pulls the next one while the guest matches that one). The
                // acknowledgement only moves the host's resume state; over the network a job is not resumed from it.
                _host.AcknowledgeHostPoints(index);
            }

            _outgoing ??= _host.HostPoints().GetEnumerator();
        }
        else
        {
            throw new InvalidOperationException($"Job '{Id}': a {(_guest is null ? "host" : "guest")} sends no {pull.Stream} stream.");
        }

        if (!_outgoing.MoveNext())
        {
            throw new InvalidOperationException($"Job '{Id}': the {pull.Stream} stream is already complete.");
        }

        var batch = _outgoing.Current;
        if (batch.IsLast)
        {
            _outgoing.Dispose();
            _outgoing = null;
        }

        _unacknowledged = _host is null ? null : batch.Index;
        return new PsiReply([batch], _table!.Rows, null);
    }

    public PsiReply Push(PsiPush push)
    {
        var psi = _psi ?? throw new InvalidOperationException($"Job '{Id}': PSI was not opened.");
        if (_host is not null)
        {
            if (push.Batch.Stream == PsiStream.Result)
            {
                using var rows = new StringWriter();
                var outcome = _host.AcceptResult(push.Batch, rows);
                (_intersectionRows ??= []).AddRange(Lines(rows.ToString()));
                if (outcome is not null)
                {
                    _intersection = outcome.Intersection;
                }

                return new PsiReply([], _table!.Rows, _intersection);
            }

            return new PsiReply(_host.AcceptGuestPoints(push.Batch), _table!.Rows, null);
        }

        var guest = _guest!;
        if ((uint)push.Host >= (uint)psi.Hosts)
        {
            throw new ArgumentException($"Job '{Id}': there is no host {push.Host} (of {psi.Hosts}).");
        }

        if (push.Batch.Stream == PsiStream.GuestTags)
        {
            guest.AcceptGuestTags(push.Host, push.Batch);
        }
        else
        {
            guest.AcceptHostPoints(push.Host, push.Batch);
        }

        return new PsiReply([], _table!.Rows, null);
    }

    public PsiReply Finish()
    {
        var guest = _guest ?? throw new InvalidOperationException($"Job '{Id}': only the guest finishes PSI.");
        using var rows = new StringWriter();
        var result = guest.Finish(rows);
        _intersectionRows = [.. Lines(rows.ToString())];
        _intersection = result.Intersection;
        return new PsiReply([], result.Ids, result.Intersection);
    }

    public TrainingOpened OpenLinear(LinearOpen open)
    {
        LinearRole role;
        if (open.Role == VerticalRole.Arbiter)
        {
            role = LinearRole.Arbiter(open);
        }
        else
        {
            var table = _table ?? throw new InvalidOperationException($"Job '{Id}': this party holds no table.");
            var (train, test) = AlignedRows(open.HoldoutSeed, open.HoldoutFraction);
            role = LinearRole.Party(open, table, train, test);
        }

        // Replaced only once the new role stands: a refused open leaves the job as it was.
        _linear?.Dispose();
        _linear = role;
        return role.Opened;
    }

    public TrainingOpened OpenSplit(SplitOpen open)
    {
        var (train, test) = AlignedRows(open.HoldoutSeed, open.HoldoutFraction);
        _split = SplitRole.Create(open, _table!, train, test);
        return _split.Opened;
    }

    public VerticalMessage Split(SplitBatchStep step) =>
        (_split ?? throw new InvalidOperationException($"Job '{Id}': split-network training was not opened.")).Take(step);

    public TrainingOpened OpenTransfer(TransferOpen open)
    {
        var (train, test) = AlignedRows(open.HoldoutSeed, open.HoldoutFraction);
        var role = TransferRole.Create(open, _table!, train, test);
        _transfer?.Dispose();
        _transfer = role;
        return role.Opened;
    }

    public VerticalMessage Transfer(TransferStep step) =>
        (_transfer ?? throw new InvalidOperationException($"Job '{Id}': transfer learning was not opened.")).Take(step);

    /// <summary>The target's model of a transfer job as trained so far; null at the source or before the job opened it.</summary>
    public Transfer.TransferModel? TransferModel => _transfer?.Model;

    /// <summary>This party's part of the split network (training must have been opened).</summary>
    public TrainedSplitPart SplitPart() =>
        (_split ?? throw new InvalidOperationException($"Job '{Id}': split-network training was not opened.")).Part(_table!);

    // The intersecting IDs in the canonical order, split by the public holdout rule into training and held-out IDs.
    private (List<string> Train, List<string> Test) AlignedRows(ulong holdoutSeed, double holdoutFraction)
    {
        if (_table is not { } table || _intersectionRows is null || _psi?.Mode != AlignmentMode.RevealToAll)
        {
            throw new InvalidOperationException($"Job '{Id}': vertical training needs a finished PSI in reveal-to-all mode (every party must know its aligned rows).");
        }

        var (train, test) = (new List<string>(), new List<string>());
        foreach (var id in VerticalTable.CanonicalOrder(_intersectionRows.Select(r => table.Ids[r]), PsiIdOptions.Default))
        {
            (VerticalHoldout.IsTest(id, holdoutSeed, holdoutFraction) ? test : train).Add(id);
        }

        return (train, test);
    }

    public VerticalMessage Linear(LinearBatchStep step) =>
        (_linear ?? throw new InvalidOperationException($"Job '{Id}': vertical training was not opened.")).Take(step);

    public LinearValues Score(LinearScoreIds request) =>
        (_linear ?? throw new InvalidOperationException($"Job '{Id}': there is no trained model to score with.")).Score(request, _table!);

    public void Dispose()
    {
        _outgoing?.Dispose();
        _guest?.Dispose();
        _host?.Dispose();
        _linear?.Dispose();
        _transfer?.Dispose();
        if (_workDirectory is not null && Directory.Exists(_workDirectory))
        {
            Directory.Delete(_workDirectory, recursive: true);
        }
    }

    private static IEnumerable<int> Lines(string text) =>
        text.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries).Select(int.Parse);
}
