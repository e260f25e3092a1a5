using Causeway.Coordinator.Parties;
using Causeway.Coordinator.Refusals;
using Causeway.Coordinator.Runs;
using Causeway.Coordinator.Storage;
using Causeway.Federation;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace Causeway.Coordinator.Hosting;

/// <summary>
/// Continues an interrupted run when the coordinator starts: the newest stored run still marked running (the previous
/// process crashed or was shut down during it) resumes from its last closed round once the parties of that round
/// have joined again, or when <see cref="CoordinatorOptions.ResumeWaitForParties"/> has passed and at least one has.
/// A run an operator stopped is not resumed (<see cref="RunService.StopAsync"/>), even when it is stopped while this waits.
/// </summary>
internal sealed class RunRecovery(
    RunService runs, IRunStore store, PartyRegistry parties, IOptions<CoordinatorOptions> options, TimeProvider time, ILogger<RunRecovery> logger)
    : BackgroundService
{
    private static readonly TimeSpan PollInterval = TimeSpan.FromMilliseconds(100);

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        if (!options.Value.ResumeInterruptedRun)
        {
            return;
        }

        try
        {
            await RecoverAsync(store, stoppingToken).ConfigureAwait(false);
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
        }
    }

    private async Task RecoverAsync(IRunStore runStore, CancellationToken cancellationToken)
    {
        var interrupted = (await runStore.ListRunsAsync(cancellationToken).ConfigureAwait(false))
            .LastOrDefault(r => r.Status == RunStatus.Running);
        if (interrupted is null)
        {
            return;
        }

        var rounds = await runStore.GetRoundsAsync(interrupted.RunId, cancellationToken).ConfigureAwait(false);
        var expected = rounds.Count == 0
            ? []
            : rounds[^1].Parties.Where(p => p.Outcome == PartyOutcome.Accepted).Select(p => p.Party).ToHashSet();

        // The run's roster is fixed when it (re)starts, so resuming before the last round's parties are back would
        // leave the late ones out for the rest of the run.
        var wait = options.Value.ResumeWaitForParties;
        CoordinatorLog.RecoveryWaiting(logger, interrupted.RunId, rounds.Count, expected.Count, wait.TotalSeconds);

        var deadline = time.GetUtcNow() + wait;
        while (!AllConnected(expected) && (time.GetUtcNow() < deadline || parties.Connected().Count == 0))
        {
            await Task.Delay(PollInterval, time, cancellationToken).ConfigureAwait(false);
        }

        try
        {
            await runs.ResumeInterruptedAsync(interrupted.RunId, cancellationToken).ConfigureAwait(false);
        }
        catch (RequestRefusedException e)
        {
            CoordinatorLog.RecoveryFailed(logger, interrupted.RunId, e.Message);
        }
    }

    private bool AllConnected(HashSet<PartyId> expected)
    {
        var connected = parties.Connected();
        return connected.Count > 0 && expected.All(connected.Contains);
    }
}
