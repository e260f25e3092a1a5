using Causeway.Core.Metrics;
using Causeway.Federation.Horizontal;
using Causeway.Federation.Horizontal.Protection;
using Causeway.Federation.Simulation;

namespace Causeway.Federation.Recommendation.Simulation;

/// <summary>
/// Reaches the virtual parties of a recommendation simulation in this process: each task runs the party's code on the
/// thread pool, at most <c>maxParallelism</c> at a time, first come first served (as the simulator's
/// <c>InMemoryPartyChannel</c> does for dense models).
/// </summary>
/// <remarks>
/// <para>
/// A task cancelled before it starts (the round's deadline) never starts. An exception thrown by a party faults the
/// returned task, which the round engine records as a dropout.
/// </para>
/// <para>
/// Protected rounds run as in <c>InMemoryPartyChannel</c>: every party has a <see cref="PartyProtection"/> that answers
/// the protocol steps (secure-aggregation keys and unmasking, Paillier key and decryption at the key holder) and masks
/// or encrypts its item update after training; the coordinator side only ever sees what it returns.
/// </para>
/// <para>
/// With <c>measurePartyCpu</c> every task and step reads its thread's CPU clock before and after
/// (<see cref="PartyCpuSeconds"/>), so a bench can split the process's CPU into the parties' and the coordinator's.
/// </para>
/// </remarks>
public sealed class RecommendationChannel : IPartyChannel, IDisposable
{
    private readonly Dictionary<PartyId, RecommendationParty> _parties;
    private readonly Dictionary<PartyId, PartyProtection> _protections;
    private readonly SimulatedIdentities _identities = new();
    private readonly SemaphoreSlim _slots;
    private readonly bool _measurePartyCpu;
    private long _partyCpuNanoseconds;

    /// <param name="parties">The virtual parties.</param>
    /// <param name="maxParallelism">Concurrent tasks; default <see cref="Environment.ProcessorCount"/>.</param>
    /// <param name="measurePartyCpu">Sum the parties' thread CPU time into <see cref="PartyCpuSeconds"/>. Default false.</param>
    public RecommendationChannel(IEnumerable<RecommendationParty> parties, int? maxParallelism = null, bool measurePartyCpu = false)
    {
        ArgumentNullException.ThrowIfNull(parties);
        var parallelism = maxParallelism ?? Environment.ProcessorCount;
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(parallelism, nameof(maxParallelism));
        _parties = parties.ToDictionary(p => p.Party);
        _protections = _parties.Keys.ToDictionary(p => p, p => new PartyProtection(p, credentials: _identities.CredentialsOf(p)));
        _slots = new SemaphoreSlim(parallelism, parallelism);
        _measurePartyCpu = measurePartyCpu;
        MaxParallelism = parallelism;
    }

    public int MaxParallelism { get; }

    /// <summary>CPU seconds the parties' tasks and protocol steps have run so far (0 unless measured).</summary>
    public double PartyCpuSeconds => Interlocked.Read(ref _partyCpuNanoseconds) / 1e9;

    public Task<PartyReply> TrainAsync(PartyId party, TrainTask task, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(task);
        if (!_parties.TryGetValue(party, out var target))
        {
            return Task.FromResult(PartyReply.Failed(new PartyFailure(party, FailureKind.Dropout, "no such party in this simulation")));
        }

        var protection = _protections[party];
        return RunAsync(
            () => task.Protection is null ? target.Train(task, cancellationToken) : protection.Protect(task, target.Train(task, cancellationToken)),
            cancellationToken);
    }

    /// <summary>Runs the step in the party's <see cref="PartyProtection"/> on a worker slot (key generation and decryption are CPU-heavy).</summary>
    public Task<ProtocolStepReply> ExchangeAsync(PartyId party, ProtocolStep step, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(step);
        return _protections.TryGetValue(party, out var protection)
            ? RunAsync(() => protection.Handle(step), cancellationToken)
            : Task.FromResult(ProtocolStepReply.Failed("no such party in this simulation"));
    }

    public Task<Evaluation?> EvaluateAsync(PartyId party, EvaluateTask task, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(task);
        return _parties.TryGetValue(party, out var target)
            ? RunAsync(() => target.Evaluate(task), cancellationToken)
            : Task.FromResult<Evaluation?>(null);
    }

    /// <summary>A simulated party's certificate from the simulation's CA (what an authenticated secure aggregation relays).</summary>
    public byte[] CertificateOf(PartyId party) => _identities.CertificateOf(party);

    public void Dispose()
    {
        _slots.Dispose();
        foreach (var protection in _protections.Values)
        {
            protection.Dispose();
        }

        _identities.Dispose();
    }

    private async Task<T> RunAsync<T>(Func<T> work, CancellationToken cancellationToken)
    {
        await _slots.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            return await Task.Run(_measurePartyCpu ? () => Measured(work) : work, cancellationToken).ConfigureAwait(false);
        }
        finally
        {
            _slots.Release();
        }
    }

    // The work runs synchronously on one thread, so that thread's CPU clock brackets exactly the party's share.
    private T Measured<T>(Func<T> work)
    {
        var before = ThreadCpuClock.Now();
        try
        {
            return work();
        }
        finally
        {
            if (before is { } start && ThreadCpuClock.Now() is { } end)
            {
                Interlocked.Add(ref _partyCpuNanoseconds, end - start);
            }
        }
    }
}
