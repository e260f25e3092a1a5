using Causeway.Core.Tensors;
using Causeway.Federation;
using Causeway.Federation.Horizontal;

namespace Causeway.Coordinator.Runs;

/// <summary>What a run sees of the coordinator: the network channel, the parties, and where to report progress.</summary>
public sealed class RunContext
{
    private readonly Func<IReadOnlyList<PartyId>> _connected;
    private readonly Func<PartyId, DataDescription?> _describe;
    private readonly RunManager _manager;
    private RunSetup? _setup;

    internal RunContext(
        string runId,
        IPartyChannel channel,
        Func<IReadOnlyList<PartyId>> connected,
        Func<PartyId, DataDescription?> describe,
        RunManager manager,
        RunCheckpoint? resumeFrom = null,
        RunSetup? storedSetup = null)
    {
        RunId = runId;
        Channel = channel;
        ResumeFrom = resumeFrom;
        StoredSetup = storedSetup;
        _connected = connected;
        _describe = describe;
        _manager = manager;
    }

    public string RunId { get; }

    /// <summary>The checkpoint to continue from (pass it to the round engine), or null for a fresh run.</summary>
    public RunCheckpoint? ResumeFrom { get; }

    /// <summary>The setup the run agreed on before a coordinator restart; a resumed run must keep it. Null for a fresh run.</summary>
    public RunSetup? StoredSetup { get; }

    /// <summary>The network <see cref="IPartyChannel"/> to hand to the round engine.</summary>
    public IPartyChannel Channel { get; }

    /// <summary>The setup given to <see cref="BeginAsync"/>.</summary>
    public RunSetup Setup => _setup ?? throw new InvalidOperationException("Call BeginAsync with the run's setup first.");

    /// <summary>The parties connected right now, ordered by id.</summary>
    public IReadOnlyList<PartyId> ConnectedParties() => _connected();

    /// <summary>What a connected party said about its training data when it joined; null when it said nothing.</summary>
    public DataDescription? DescribeParty(PartyId party) => _describe(party);

    /// <summary>
    /// Fixes the run's setup before the first task: stores it (unless it is the <see cref="StoredSetup"/>), sends it with
    /// every task from now on, and publishes the starting model for the control API.
    /// </summary>
    public async Task BeginAsync(RunSetup setup, ParameterSet initial, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(setup);
        ArgumentNullException.ThrowIfNull(initial);
        await _manager.BeginRunAsync(RunId, setup, isStored: StoredSetup is not null, cancellationToken).ConfigureAwait(false);
        _setup = setup;
        _manager.SetModel(RunId, setup, initial);
    }

    /// <summary>Marks <paramref name="round"/> (counting from 1) as in progress.</summary>
    public void ReportRoundStarted(int round) => _manager.SetCurrentRound(RunId, round);

    /// <summary>
    /// Closes a round the round engine finished: records its metrics for the control API, publishes the new global
    /// model and, when an <see cref="Storage.IRunStore"/> is registered, persists the round and its checkpoint in one
    /// transaction (call it from <see cref="IRunObserver.OnRoundCompletedAsync"/>).
    /// </summary>
    public Task CloseRoundAsync(RoundSummary summary, RunCheckpoint checkpoint, CancellationToken cancellationToken) =>
        _manager.CloseRoundAsync(RunId, Setup, summary, checkpoint, cancellationToken);
}
