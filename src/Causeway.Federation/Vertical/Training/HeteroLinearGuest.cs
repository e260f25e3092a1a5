using Causeway.Privacy.Paillier;

namespace Causeway.Federation.Vertical.Training;

/// <summary>
/// The guest of vertical linear training: it holds the labels, its own columns and the intercept. Per mini-batch it
/// combines its partial scores with the hosts' into the residual (<see cref="ComputeResidual"/>) and, with an arbiter,
/// sends its own masked encrypted gradient too (<see cref="MaskOwnGradient"/>, <see cref="ReceiveGradient"/>). In
/// two-party mode it holds the Paillier key and decrypts the hosts' masked gradients (<see cref="DecryptHostGradient"/>).
/// </summary>
public sealed class HeteroLinearGuest
{
    private readonly LinearPartyState _state;
    private readonly float[] _labels;
    private readonly HeteroLinearOptions _options;
    private readonly PaillierPublicKey? _arbiterKey;
    private readonly PaillierPrivateKey? _ownKey;
    private int[] _batch = [];
    private long _batchNumber = -1;
    private PaillierCiphertext[]? _encryptedResidual;

    /// <summary>The guest with its columns and labels.</summary>
    /// <param name="data">The guest's columns of the aligned rows.</param>
    /// <param name="labels">One label per row: 0/1 for the logistic losses, the target for the squared loss.</param>
    /// <param name="options">The shared training settings.</param>
    /// <param name="arbiterKey">The arbiter's public key (<see cref="VerticalEncryption.Arbiter"/> only).</param>
    /// <param name="ownKey">The guest's own key pair (<see cref="VerticalEncryption.TwoParty"/> only; the caller disposes it).</param>
    public HeteroLinearGuest(VerticalPartyData data, float[] labels, HeteroLinearOptions options, PaillierPublicKey? arbiterKey = null, PaillierPrivateKey? ownKey = null)
    {
        ArgumentNullException.ThrowIfNull(data);
        ArgumentNullException.ThrowIfNull(labels);
        ArgumentNullException.ThrowIfNull(options);
        options.Validate();
        if (labels.Length != data.Rows)
        {
            throw new ArgumentException($"The guest has {data.Rows} rows but {labels.Length} labels.", nameof(labels));
        }

        if ((options.Encryption == VerticalEncryption.Arbiter) != (arbiterKey is not null) || (options.Encryption == VerticalEncryption.TwoParty) != (ownKey is not null))
        {
            throw new ArgumentException($"Encryption '{options.Encryption}' needs the arbiter's public key exactly with an arbiter and the guest's own key exactly in two-party mode.");
        }

        if (options.Loss != VerticalLoss.Squared && labels.Any(y => y is not (0f or 1f)))
        {
            throw new ArgumentException("Logistic losses need 0/1 labels.", nameof(labels));
        }

        _labels = labels;
        _options = options;
        _arbiterKey = arbiterKey;
        _ownKey = ownKey;
        _state = new LinearPartyState(data, options, intercept: true);
    }

    /// <summary>The guest's weights, one per column and the intercept last.</summary>
    public IReadOnlyList<double> Weights => _state.Weights;

    /// <summary>The public key the hosts encrypt under in two-party mode, or null.</summary>
    public PaillierPublicKey? PublicKey => _ownKey?.PublicKey;

    /// <summary>
    /// Step 1 at the guest: the scaled residual s·d of the batch. With an arbiter it is formed on the encrypted scores,
    /// E(s·d) = Σ_h E(u_h) · E(u_g + c(y)) with c = 2 − 4y (Taylor) or −y (squared), and kept for the guest's own
    /// gradient. Otherwise u = u_g + Σ u_h is in the clear: the guest steps at once and sends s·d in the clear or (two
    /// parties) encrypted under its own key.
    /// </summary>
    /// <exception cref="InvalidOperationException">A host's scores are missing, duplicated, for another batch or of the wrong size or form.</exception>
    public ResidualMessage ComputeResidual(long batchNumber, ReadOnlySpan<int> batch, IReadOnlyList<PartialScoresMessage> hostScores)
    {
        ArgumentNullException.ThrowIfNull(hostScores);
        _batch = batch.ToArray();
        _batchNumber = batchNumber;
        CheckScores(hostScores);
        var guestScores = _state.PartialScores(batch);
        var scale = ResidualForm.Scale(_options.Loss);
        if (_options.Encryption == VerticalEncryption.Arbiter)
        {
            _encryptedResidual = EncryptedResidual(guestScores, hostScores, _arbiterKey!);
            return new ResidualMessage(batchNumber, scale, null, _encryptedResidual);
        }

        var residual = new double[batch.Length];
        for (var i = 0; i < residual.Length; i++)
        {
            var hostScore = 0.0;
            foreach (var scores in hostScores)
            {
                hostScore += scores.Plain![i];
            }

            residual[i] = ResidualForm.Scaled(_options.Loss, guestScores[i], hostScore, _labels[_batch[i]]);
        }

        _state.Step(batch, scale, residual);
        if (_ownKey is null)
        {
            return new ResidualMessage(batchNumber, scale, residual, null);
        }

        return new ResidualMessage(batchNumber, scale, null, VerticalFixedPoint.EncryptScores(residual, _ownKey.PublicKey));
    }

    /// <summary>Step 2 at the guest (arbiter mode): E(X_gᵀ(s·d) + r) over its columns and the intercept, with fresh masks.</summary>
    public MaskedGradientMessage MaskOwnGradient()
    {
        var residual = _encryptedResidual ?? throw new InvalidOperationException("The guest masks its gradient only with an arbiter, after forming the encrypted residual.");
        return _state.MaskGradient(_batchNumber, _batch, residual, _arbiterKey!);
    }

    /// <summary>Step 3 at the guest (arbiter mode): removes the masks from the decrypted gradient and steps.</summary>
    public void ReceiveGradient(DecryptedGradientMessage gradient)
    {
        ArgumentNullException.ThrowIfNull(gradient);
        _state.Unmask(gradient, ResidualForm.Scale(_options.Loss), _arbiterKey ?? throw new InvalidOperationException("Only an arbiter sends the guest a decrypted gradient."));
        _encryptedResidual = null;
    }

    /// <summary>Two-party mode: decrypts a host's masked gradient (the guest sees only gradient + uniform mask).</summary>
    public DecryptedGradientMessage DecryptHostGradient(MaskedGradientMessage gradient) =>
        HeteroLinearArbiter.Decrypt(_ownKey ?? throw new InvalidOperationException("The guest decrypts host gradients only in two-party mode."), gradient);

    private PaillierCiphertext[] EncryptedResidual(double[] guestScores, IReadOnlyList<PartialScoresMessage> hostScores, PaillierPublicKey key)
    {
        var residual = new PaillierCiphertext[guestScores.Length];
        Parallel.For(0, residual.Length, i =>
        {
            var sum = hostScores[0].Encrypted![i];
            for (var h = 1; h < hostScores.Count; h++)
            {
                sum = key.Add(sum, hostScores[h].Encrypted![i]);
            }

            var guestTerm = ResidualForm.GuestTerm(_options.Loss, guestScores[i], _labels[_batch[i]]);
            residual[i] = key.AddPlaintext(sum, VerticalFixedPoint.EncodeScore(guestTerm));
        });

        return residual;
    }

    private void CheckScores(IReadOnlyList<PartialScoresMessage> hostScores)
    {
        if (_options.Encryption != VerticalEncryption.None && hostScores.Count == 0)
        {
            throw new InvalidOperationException("Encrypted vertical training needs at least one host.");
        }

        var seen = new HashSet<int>();
        foreach (var scores in hostScores)
        {
            var count = _options.Encryption == VerticalEncryption.Arbiter ? scores.Encrypted?.Count : scores.Plain?.Length;
            if (scores.Batch != _batchNumber || count != _batch.Length || !seen.Add(scores.Host))
            {
                throw new InvalidOperationException(
                    $"Host {scores.Host}'s partial scores (batch {scores.Batch}, {count?.ToString() ?? "no"} {(_options.Encryption == VerticalEncryption.Arbiter ? "encrypted" : "plain")} values) do not fit batch {_batchNumber} of {_batch.Length} rows, or the host sent twice.");
            }
        }
    }
}
