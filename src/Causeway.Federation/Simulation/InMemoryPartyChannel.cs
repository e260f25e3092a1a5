using System.Collections.Concurrent;
using Causeway.Core.Metrics;
using Causeway.Core.Models;
using Causeway.Federation.Horizontal;
using Causeway.Federation.Horizontal.Protection;

namespace Causeway.Federation.Simulation;

/// <summary>
/// Reaches virtual parties in this process: each task runs the party's <see cref="PartyTrainer"/> on the thread
/// pool, at most <c>maxParallelism</c> at a time.
/// </summary>
/// <remarks>
/// <para>
/// Tasks wait for a worker slot first come, first served, so parties train roughly in the order they were sent
/// and the round engine's selection-order fold parks few updates. A <see cref="DenseNetwork"/> belongs to a
/// worker slot, not to a party, so a thousand parties cost a few networks' scratch, not a thousand.
/// </para>
/// <para>
/// A cancelled task (the round's deadline) that has not started never starts; one that is training stops at its
/// next cancellation check. An exception thrown by a party's training faults the returned task, which the round
/// engine records as a dropout.
/// </para>
/// <para>
/// Protected rounds run in-process exactly as over the network: each virtual party has a <see cref="PartyProtection"/>
/// that answers protocol steps and masks or encrypts its delta after training.
/// </para>
/// </remarks>
public sealed class InMemoryPartyChannel : IPartyChannel, IDisposable
{
    private readonly IReadOnlyDictionary<PartyId, PartyTrainer> _parties;
    private readonly IReadOnlyDictionary<PartyId, PartyProtection> _protections;
    private readonly SimulatedIdentities _identities = new();
    private readonly SemaphoreSlim _slots;
    private readonly ConcurrentBag<DenseNetwork> _networks = [];
    private int _networksCreated;

    /// <param name="parties">The virtual parties by id.</param>
    /// <param name="maxParallelism">Concurrent trainings; default <see cref="Environment.ProcessorCount"/>.</param>
    public InMemoryPartyChannel(IEnumerable<PartyTrainer> parties, int? maxParallelism = null)
    {
        ArgumentNullException.ThrowIfNull(parties);
        var parallelism = maxParallelism ?? Environment.ProcessorCount;
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(parallelism, nameof(maxParallelism));
        _parties = parties.ToDictionary(p => p.Party);
        _protections = _parties.Keys.ToDictionary(p => p, p => new PartyProtection(p, credentials: _identities.CredentialsOf(p)));
        _slots = new SemaphoreSlim(parallelism, parallelism);
        MaxParallelism = parallelism;
    }

    public int MaxParallelism { get; }

    public IReadOnlyCollection<PartyId> Parties => [.. _parties.Keys];

    /// <summary>How many networks the workers have created so far (at most one per concurrent task).</summary>
    internal int NetworksCreated => Volatile.Read(ref _networksCreated);

    public Task<PartyReply> TrainAsync(PartyId party, TrainTask task, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(task);
        if (!_parties.TryGetValue(party, out var trainer))
        {
            return Task.FromResult(PartyReply.Failed(new PartyFailure(party, FailureKind.Dropout, "no such party in this simulation")));
        }

        if (task.Protection is null)
        {
            return RunAsync(trainer, network => trainer.Train(task, network, cancellationToken), cancellationToken);
        }

        var protection = _protections[party];
        return RunAsync(trainer, network => protection.Protect(task, trainer.Train(task, network, cancellationToken)), cancellationToken);
    }

    /// <summary>Runs the step in the party's <see cref="PartyProtection"/> on a worker slot (key generation and decryption are CPU-heavy).</summary>
    public Task<ProtocolStepReply> ExchangeAsync(PartyId party, ProtocolStep step, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(step);
        return _parties.TryGetValue(party, out var trainer)
            ? RunAsync(trainer, _ => _protections[party].Handle(step), cancellationToken)
            : Task.FromResult(ProtocolStepReply.Failed("no such party in this simulation"));
    }

    public Task<Evaluation?> EvaluateAsync(PartyId party, EvaluateTask task, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(task);
        return _parties.TryGetValue(party, out var trainer) && trainer.EvaluationData is not null
            ? RunAsync(trainer, network => task.SecureScores ? _protections[party].HoldScores(task.Round, trainer.Evaluate(task, network)) : trainer.Evaluate(task, network), cancellationToken)
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

    private async Task<T> RunAsync<T>(PartyTrainer trainer, Func<DenseNetwork, T> work, CancellationToken cancellationToken)
    {
        await _slots.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            var network = RentNetwork(trainer.Spec);
            try
            {
                return await Task.Run(() => work(network), cancellationToken).ConfigureAwait(false);
            }
            finally
            {
                _networks.Add(network);
            }
        }
        finally
        {
            _slots.Release();
        }
    }

    private DenseNetwork RentNetwork(ModelSpec spec)
    {
        // Every party of a simulation shares one spec; a network of another spec is simply not reused.
        while (_networks.TryTake(out var network))
        {
            if (network.Spec.Equals(spec))
            {
                return network;
            }
        }

        Interlocked.Increment(ref _networksCreated);
        return new DenseNetwork(spec);
    }
}
