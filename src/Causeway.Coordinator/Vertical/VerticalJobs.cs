using System.Collections.Concurrent;
using System.Security.Cryptography;
using Causeway.Coordinator.Dashboard;
using Causeway.Coordinator.Mailbox;
using Causeway.Coordinator.Parties;
using Causeway.Coordinator.Refusals;
using Causeway.Federation;
using Causeway.Federation.Vertical.Network;
using Causeway.Federation.Vertical.Training;
using Microsoft.Extensions.Logging;

namespace Causeway.Coordinator.Vertical;

/// <summary>
/// Runs vertical jobs (<c>POST /api/vertical/jobs</c>) in the background over the parties' mailboxes, one at a time,
/// and keeps their status in memory: a job does not survive a coordinator restart (run it again; it keeps no state the
/// parties need).
/// </summary>
public sealed class VerticalJobs : IAsyncDisposable
{
    private readonly NetworkPartyChannel _channel;
    private readonly TaskMailbox _mailbox;
    private readonly PartyRegistry _parties;
    private readonly TimeProvider _time;
    private readonly CoordinatorEvents _events;
    private readonly ILogger<VerticalJobs> _logger;
    private readonly ConcurrentDictionary<string, VerticalJobStatus> _jobs = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<string, VerticalJob> _trained = new(StringComparer.Ordinal);
    private readonly CancellationTokenSource _shutdown = new();
    private readonly Lock _lock = new();
    private Task? _active;

    internal VerticalJobs(NetworkPartyChannel channel, TaskMailbox mailbox, PartyRegistry parties, TimeProvider time, CoordinatorEvents events, ILogger<VerticalJobs> logger)
    {
        _time = time;
        _events = events;
        _channel = channel;
        _mailbox = mailbox;
        _parties = parties;
        _logger = logger;
    }

    /// <summary>Every job since the coordinator started, newest first.</summary>
    public IReadOnlyList<VerticalJobStatus> List() => [.. _jobs.Values.OrderByDescending(j => j.Started)];

    public VerticalJobStatus? Find(string id) => _jobs.GetValueOrDefault(id);

    /// <summary>Validates the job, checks that its parties are connected and starts it.</summary>
    /// <returns>The job's id.</returns>
    /// <exception cref="InvalidRequestException">The job configuration is not valid.</exception>
    /// <exception cref="ConflictException">One of its parties is not connected, or a vertical job is in progress.</exception>
    public string Start(string json)
    {
        ArgumentNullException.ThrowIfNull(json);
        VerticalJobConfig config;
        try
        {
            config = VerticalJobConfig.Parse(json, "POST /api/vertical/jobs");
        }
        catch (VerticalConfigException e)
        {
            throw new InvalidRequestException(e.Message, e);
        }

        if (config.Parties.FirstOrDefault(p => !_parties.IsConnected(new PartyId(p))) is { } missing)
        {
            throw new ConflictException($"party '{missing}' is not connected");
        }

        lock (_lock)
        {
            if (_active is { IsCompleted: false })
            {
                throw new ConflictException("a vertical job is still in progress");
            }

            var now = _time.GetUtcNow();
            var id = $"vjob-{now:yyyyMMdd-HHmmss}-{Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(3))}";
            var status = new VerticalJobStatus(id, config.Name, now);
            _jobs[id] = status;
            _active = Task.Run(() => RunAsync(id, config, status));
            _events.Publish(ChangeTopic.Vertical, id);
            return id;
        }
    }

    /// <summary>The most IDs one scoring request may name.</summary>
    public const int MaxScoredIds = 10_000;

    /// <summary>Scores IDs with a completed job's model (vertical inference).</summary>
    /// <returns>One prediction per ID, NaN where a party lacks the ID.</returns>
    /// <exception cref="NotFoundException">No such job, or it has no trained linear model.</exception>
    /// <exception cref="InvalidRequestException">No IDs, or more than <see cref="MaxScoredIds"/>.</exception>
    /// <exception cref="PartyFailedException">A party failed its scoring step.</exception>
    public async Task<IReadOnlyList<double>> ScoreAsync(string id, IReadOnlyList<string> ids, CancellationToken cancellationToken)
    {
        if (!_trained.TryGetValue(id, out var job))
        {
            throw new NotFoundException(_jobs.ContainsKey(id)
                ? $"vertical job '{id}' has no trained linear model (still running, failed, it only aligned, or it trained a split network)"
                : $"no vertical job '{id}'");
        }

        if (ids.Count is 0 or > MaxScoredIds)
        {
            throw new InvalidRequestException($"give 1 to {MaxScoredIds} IDs");
        }

        try
        {
            return await job.ScoreAsync(ids, cancellationToken).ConfigureAwait(false);
        }
        catch (VerticalJobException e)
        {
            throw new PartyFailedException(e.Message, e);
        }
        finally
        {
            _mailbox.Forget(id);
        }
    }

    public async ValueTask DisposeAsync()
    {
        await _shutdown.CancelAsync().ConfigureAwait(false);
        if (_active is { } active)
        {
            await active.ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
        }

        _shutdown.Dispose();
    }

    private async Task RunAsync(string id, VerticalJobConfig config, VerticalJobStatus status)
    {
        var job = new VerticalJob(id, config, new StepChannel(_channel, _mailbox, id))
        {
            Progress = new Progress(status, _events),
        };
        try
        {
            var result = await job.RunAsync(_shutdown.Token).ConfigureAwait(false);
            if (config.Training is not null)
            {
                _trained[id] = job;
            }

            status.Complete(result);
            VerticalJobLog.Completed(_logger, id, result.Alignment.Intersection);
        }
        catch (Exception e) when (e is not OutOfMemoryException)
        {
            status.Fail(e switch
            {
                OperationCanceledException => "the coordinator is shutting down",
                VerticalJobException => e.Message,
                _ => $"{e.GetType().Name}: {e.Message}",
            });
            VerticalJobLog.Failed(_logger, id, status.Error!);
        }
        finally
        {
            _channel.CompleteRun(id);
            _events.Publish(ChangeTopic.Vertical, id);
        }
    }

    // The mailbox keeps finished tasks until told to forget them; a job has thousands of steps.
    private sealed class StepChannel(NetworkPartyChannel channel, TaskMailbox mailbox, string id) : IStepChannel
    {
        public async Task<ProtocolStepReply> ExchangeAsync(PartyId party, ProtocolStep step, CancellationToken cancellationToken)
        {
            var reply = await channel.ExchangeAsync(party, step, cancellationToken).ConfigureAwait(false);
            mailbox.Forget(id);
            return reply;
        }
    }

    private sealed class Progress(VerticalJobStatus status, CoordinatorEvents events) : IProgress<VerticalJobProgress>
    {
        public void Report(VerticalJobProgress value)
        {
            status.Progress = value;
            events.Publish(ChangeTopic.Vertical, status.Id);
        }
    }
}
