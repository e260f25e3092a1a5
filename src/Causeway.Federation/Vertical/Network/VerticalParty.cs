using System.Collections.Concurrent;
using System.Security.Cryptography;
using System.Text;
using Causeway.Federation.Vertical.Alignment;
using Causeway.Federation.Vertical.Data;
using Causeway.Federation.Vertical.Training;
using Causeway.Privacy.Psi;

namespace Causeway.Federation.Vertical.Network;

/// <summary>
/// A party's side of vertical jobs: it answers the coordinator's <see cref="VerticalMessage"/> steps from its own
/// <see cref="VerticalTable"/> (a guest or a host) or with no data at all (an arbiter), keeping each job's PSI session,
/// aligned rows and model half between steps. Rows, features, labels, weights and the private key never leave it.
/// </summary>
/// <remarks>
/// One job runs PSI (<see cref="PsiOpen"/> … <see cref="PsiFinish"/>) and then vertical linear training on the
/// intersection (<see cref="LinearOpen"/>, <see cref="LinearBatchStep"/>). Every party derives the same row order from
/// the intersecting IDs (<see cref="VerticalTable.CanonicalOrder"/>) and the same mini-batches from the public seed, so
/// steps name batches, never rows. A step that does not fit the job's state fails with a reason; the job's state is
/// unchanged by a refused step. Steps are numbered (<see cref="ProtocolStep.Round"/>'s round is the step's number in
/// the job): a step re-sent with a number already answered gets the remembered answer, so a driver can re-send a step
/// whose answer was lost when the party reconnected. At most <see cref="MaxJobs"/> jobs are kept (the oldest is dropped).
/// </remarks>
public sealed class VerticalParty : IDisposable
{
    /// <summary>How many jobs a party keeps at once.</summary>
    public const int MaxJobs = 4;

    private readonly VerticalTable? _table;
    private readonly bool _arbiter;
    private readonly bool _scoring;
    private readonly string _workDirectory;
    private readonly ConcurrentDictionary<string, VerticalJobState> _jobs = new(StringComparer.Ordinal);
    private readonly Lock _lock = new();

    /// <summary>A party with its table (guest or host) and/or the willingness to be an arbiter (key holder, no data).</summary>
    /// <param name="table">The party's table; null for a party that can only be an arbiter.</param>
    /// <param name="workDirectory">A directory private to this process where the guest's PSI keeps its tag files (deleted with the job).</param>
    /// <param name="arbiter">Whether the party accepts the arbiter role (it generates and holds jobs' Paillier keys).</param>
    /// <param name="scoring">
    /// Whether the party answers vertical inference of IDs after training (<see cref="LinearScoreIds"/>). Off by default:
    /// whoever asks learns which of the IDs the party holds, and its partial scores of them.
    /// </param>
    public VerticalParty(VerticalTable? table, string workDirectory, bool arbiter = false, bool scoring = false)
    {
        ArgumentException.ThrowIfNullOrEmpty(workDirectory);
        if (table is null && !arbiter)
        {
            throw new ArgumentException("A vertical party holds a table, or is an arbiter, or both.", nameof(table));
        }

        _table = table;
        _arbiter = arbiter;
        _scoring = scoring;
        _workDirectory = workDirectory;
    }

    /// <summary>Whether <paramref name="message"/> is a step of a vertical job.</summary>
    public static bool Handles(ProtocolMessage message) => message is VerticalMessage;

    /// <summary>Takes one step; CPU-heavy for PSI batches and Paillier (call it off the request thread).</summary>
    public ProtocolStepReply Handle(ProtocolStep step)
    {
        ArgumentNullException.ThrowIfNull(step);
        try
        {
            lock (_lock)
            {
                // A step re-sent after its answer was lost (the number repeats) gets the same answer, not a second run.
                var number = step.Round.Round;
                if (JobOf(step.Request) is { } id && _jobs.TryGetValue(id, out var known) && known.TryReplay(number, out var replay))
                {
                    return ProtocolStepReply.Success(replay!);
                }

                VerticalMessage answer = step.Request switch
                {
                    PsiOpen open => OpenPsi(open),
                    PsiPull pull => Job(pull.Job).Pull(pull),
                    PsiPush push => Job(push.Job).Push(push),
                    PsiFinish finish => Job(finish.Job).Finish(),
                    LinearOpen open => OpenLinear(open),
                    LinearBatchStep batch => Job(batch.Job).Linear(batch),
                    LinearScoreIds score => _scoring
                        ? Job(score.Job).Score(score)
                        : throw new InvalidOperationException("This party does not score IDs for others (start it with --vertical-scoring to allow it)."),
                    SplitOpen open => Job(open.Job).OpenSplit(open),
                    SplitBatchStep batch => Split(batch),
                    TransferOpen open => Job(open.Job).OpenTransfer(open),
                    TransferStep transfer => Transfer(transfer),
                    _ => throw new InvalidOperationException($"{step.Request.Name} is not a step a party takes."),
                };
                if (JobOf(step.Request) is { } job && _jobs.TryGetValue(job, out var state))
                {
                    state.Remember(number, answer);
                }

                return ProtocolStepReply.Success(answer);
            }
        }
        catch (Exception e) when (e is not OutOfMemoryException)
        {
            // Any failure is this step's answer: the party goes on. Reasons name the problem, never a value.
            return ProtocolStepReply.Failed(Reason(e));
        }
    }

    // Exceptions from parallel loops arrive wrapped; the protocol's own checks carry the useful reason.
    private static string Reason(Exception e) => e switch
    {
        AggregateException { InnerExceptions.Count: > 0 } aggregate => Reason(aggregate.InnerExceptions[0]),
        InvalidOperationException or ArgumentException or AlignmentProtocolException or VerticalDataException or KeyNotFoundException or FormatException or OverflowException => e.Message,
        _ => $"the party could not take the step ({e.GetType().Name})",
    };

    /// <summary>Ends every job and deletes their work files.</summary>
    public void Dispose()
    {
        lock (_lock)
        {
            foreach (var job in _jobs.Values)
            {
                job.Dispose();
            }

            _jobs.Clear();
        }
    }

    // A new job's state is built before anything is dropped, so a refused open changes nothing.
    private PsiReply OpenPsi(PsiOpen open)
    {
        var table = _table ?? throw new InvalidOperationException("This party holds no table: it can be an arbiter, not a PSI party.");
        var job = new VerticalJobState(open.Job, table, Path.Combine(_workDirectory, "psi-" + DirectoryName(open.Job)));
        PsiReply reply;
        try
        {
            reply = job.OpenPsi(open);
        }
        catch
        {
            job.Dispose();
            throw;
        }

        Admit(job);
        return reply;
    }

    private TrainingOpened OpenLinear(LinearOpen open)
    {
        if (open.Role != VerticalRole.Arbiter)
        {
            return Job(open.Job).OpenLinear(open);
        }

        if (!_arbiter)
        {
            throw new InvalidOperationException("This party is not an arbiter (start it with --arbiter to hold jobs' keys).");
        }

        var job = new VerticalJobState(open.Job, table: null, workDirectory: null);
        var opened = job.OpenLinear(open);
        Admit(job);
        return opened;
    }

    // Replaces a job of the same id and keeps at most MaxJobs, dropping the least recently used.
    private void Admit(VerticalJobState job)
    {
        if (_jobs.TryRemove(job.Id, out var previous))
        {
            previous.Dispose();
        }

        while (_jobs.Count >= MaxJobs && _jobs.Values.MinBy(j => j.LastUsed) is { } oldest && _jobs.TryRemove(oldest.Id, out _))
        {
            oldest.Dispose();
        }

        _jobs[job.Id] = job;
    }

    private static string? JobOf(ProtocolMessage request) => request switch
    {
        PsiOpen r => r.Job,
        PsiPull r => r.Job,
        PsiPush r => r.Job,
        PsiFinish r => r.Job,
        LinearOpen r => r.Job,
        LinearBatchStep r => r.Job,
        LinearScoreIds r => r.Job,
        SplitOpen r => r.Job,
        SplitBatchStep r => r.Job,
        TransferOpen r => r.Job,
        TransferStep r => r.Job,
        _ => null,
    };

    /// <summary>
    /// Hears this party's part of a split network when a job's training ends (at the held-out embedding step, after the
    /// last update), on the step's thread; null to keep it in memory only. An exception it throws is ignored.
    /// </summary>
    public Action<TrainedSplitPart>? SplitTrained { get; init; }

    /// <summary>
    /// Hears, at the target of a transfer job, its model's probability of class 1 for every row of its own table (by ID)
    /// when training ends (at the scoring step), on the step's thread; null to keep the model in memory only. An
    /// exception it throws is ignored.
    /// </summary>
    public Action<TransferPredictions>? TransferTrained { get; init; }

    private VerticalMessage Transfer(TransferStep step)
    {
        var job = Job(step.Job);
        var reply = job.Transfer(step);
        if (step.Kind == TransferStepKind.TargetScore && TransferTrained is { } trained && job.TransferModel is { } model && _table is { } table)
        {
            Tell(trained, () => new TransferPredictions(step.Job, table.Ids, model.Predict(table.Features)));
        }

        return reply;
    }

    private VerticalMessage Split(SplitBatchStep batch)
    {
        var job = Job(batch.Job);
        var reply = job.Split(batch);
        if (batch.Kind == SplitStepKind.HoldoutEmbed && SplitTrained is { } trained)
        {
            Tell(trained, job.SplitPart);
        }

        return reply;
    }

    // What a party does with its trained model is its own business: whatever that throws never fails the job's step.
    private static void Tell<T>(Action<T> listener, Func<T> what)
    {
        try
        {
            listener(what());
        }
        catch (Exception e) when (e is not OutOfMemoryException)
        {
            // Ignored, as the listeners' contract says.
        }
    }

    private VerticalJobState Job(string id) =>
        _jobs.TryGetValue(id, out var job) ? job.Touch() : throw new KeyNotFoundException(
            $"Vertical job '{id}' is not open at this party (it was never opened, the party restarted, or it was dropped for newer jobs: a party keeps {MaxJobs}).");

    private static string DirectoryName(string id) => Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(id)))[..32];
}
