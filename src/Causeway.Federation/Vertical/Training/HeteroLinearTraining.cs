using System.Diagnostics;
using Causeway.Privacy.Paillier;

namespace Causeway.Federation.Vertical.Training;

/// <summary>
/// The in-memory runner of vertical linear training: one guest, its hosts and (with <see cref="VerticalEncryption.Arbiter"/>)
/// an arbiter, exchanging the protocol's messages by method call in the order a network transport would carry them.
/// </summary>
/// <remarks>
/// One mini-batch: hosts → guest <see cref="PartialScoresMessage"/>; guest → hosts <see cref="ResidualMessage"/>; then,
/// when encrypted, each party → key holder <see cref="MaskedGradientMessage"/> and key holder → party
/// <see cref="DecryptedGradientMessage"/>.
/// </remarks>
public sealed class HeteroLinearTraining
{
    private readonly HeteroLinearOptions _options;
    private readonly HeteroLinearGuest _guest;
    private readonly HeteroLinearHost[] _hosts;
    private readonly HeteroLinearArbiter? _arbiter;
    private long _batchNumber;
    private long _hostScores;
    private long _guestResidual;
    private long _hostGradients;
    private long _guestGradient;
    private long _decryption;
    private long _steps;

    /// <summary>Sets up the roles.</summary>
    /// <param name="guest">The guest's columns.</param>
    /// <param name="labels">The guest's labels.</param>
    /// <param name="hosts">Each host's columns, rows aligned with the guest's.</param>
    /// <param name="options">The shared settings.</param>
    /// <param name="key">The Paillier key of the arbiter or (two-party) the guest; null without encryption. The caller disposes it.</param>
    /// <exception cref="ArgumentException">The parties' rows differ, or the key does not fit the encryption setting.</exception>
    public HeteroLinearTraining(VerticalPartyData guest, float[] labels, IReadOnlyList<VerticalPartyData> hosts, HeteroLinearOptions options, PaillierPrivateKey? key)
    {
        ArgumentNullException.ThrowIfNull(guest);
        ArgumentNullException.ThrowIfNull(hosts);
        ArgumentNullException.ThrowIfNull(options);
        options.Validate();
        for (var h = 0; h < hosts.Count; h++)
        {
            if (hosts[h].Rows != guest.Rows)
            {
                throw new ArgumentException($"Host {h} has {hosts[h].Rows} rows and the guest {guest.Rows}; vertical training needs the aligned rows of every party.", nameof(hosts));
            }
        }

        if ((options.Encryption == VerticalEncryption.None) != (key is null))
        {
            throw new ArgumentException($"Encryption '{options.Encryption}' {(key is null ? "needs" : "takes no")} Paillier key.", nameof(key));
        }

        _options = options;
        _arbiter = options.Encryption == VerticalEncryption.Arbiter ? new HeteroLinearArbiter(key!) : null;
        _guest = new HeteroLinearGuest(guest, labels, options, _arbiter?.PublicKey, options.Encryption == VerticalEncryption.TwoParty ? key : null);
        _hosts = [.. hosts.Select((data, h) => new HeteroLinearHost(h, data, options, key?.PublicKey))];
        Rows = guest.Rows;
    }

    /// <summary>The aligned rows.</summary>
    public int Rows { get; }

    /// <summary>The model as it stands (every party's weights).</summary>
    public VerticalLinearModel Model => new(_options.Loss, [.. _guest.Weights], [.. _hosts.Select(h => (IReadOnlyList<double>)[.. h.Weights])]);

    /// <summary>Where the time of the batches run so far went, step by step (<see cref="HeteroLinearPhaseTimes"/>).</summary>
    public HeteroLinearPhaseTimes Phases => new(
        Stopwatch.GetElapsedTime(0, _hostScores),
        Stopwatch.GetElapsedTime(0, _guestResidual),
        Stopwatch.GetElapsedTime(0, _hostGradients),
        Stopwatch.GetElapsedTime(0, _guestGradient),
        Stopwatch.GetElapsedTime(0, _decryption),
        Stopwatch.GetElapsedTime(0, _steps));

    /// <summary>Trains every epoch and returns the model; <paramref name="progress"/> gets the epochs done.</summary>
    public VerticalLinearModel Train(IProgress<int>? progress = null, CancellationToken cancellationToken = default)
    {
        for (var epoch = 0; epoch < _options.Epochs; epoch++)
        {
            RunEpoch(epoch, int.MaxValue, cancellationToken);
            progress?.Report(epoch + 1);
        }

        return Model;
    }

    /// <summary>Runs the first <paramref name="maxBatches"/> batches of an epoch (all of them by default); returns the rows trained on.</summary>
    public int RunEpoch(int epoch, int maxBatches = int.MaxValue, CancellationToken cancellationToken = default)
    {
        var rows = 0;
        var batches = BatchPlan.Batches(Rows, _options.BatchSize, _options.Seed, epoch);
        for (var b = 0; b < batches.Count && b < maxBatches; b++)
        {
            cancellationToken.ThrowIfCancellationRequested();
            RunBatch(batches[b]);
            rows += batches[b].Length;
        }

        return rows;
    }

    /// <summary>One mini-batch of the protocol over the given rows.</summary>
    public void RunBatch(int[] batch)
    {
        ArgumentNullException.ThrowIfNull(batch);
        var number = _batchNumber++;
        var clock = Stopwatch.GetTimestamp();
        var scores = _hosts.Select(host => host.ComputeScores(number, batch)).ToArray();
        Lap(ref _hostScores, ref clock);
        var residual = _guest.ComputeResidual(number, batch, scores);
        Lap(ref _guestResidual, ref clock);
        foreach (var host in _hosts)
        {
            var masked = host.ReceiveResidual(residual);
            if (masked is null)
            {
                Lap(ref _steps, ref clock);
            }
            else
            {
                Lap(ref _hostGradients, ref clock);
                var decrypted = _arbiter is not null ? _arbiter.Decrypt(masked) : _guest.DecryptHostGradient(masked);
                Lap(ref _decryption, ref clock);
                host.ReceiveGradient(decrypted);
                Lap(ref _steps, ref clock);
            }
        }

        if (_arbiter is not null)
        {
            var masked = _guest.MaskOwnGradient();
            Lap(ref _guestGradient, ref clock);
            var decrypted = _arbiter.Decrypt(masked);
            Lap(ref _decryption, ref clock);
            _guest.ReceiveGradient(decrypted);
            Lap(ref _steps, ref clock);
        }
    }

    /// <summary>Adds the ticks since <paramref name="clock"/> to <paramref name="phase"/> and restarts the clock.</summary>
    private static void Lap(ref long phase, ref long clock)
    {
        var now = Stopwatch.GetTimestamp();
        phase += now - clock;
        clock = now;
    }
}
