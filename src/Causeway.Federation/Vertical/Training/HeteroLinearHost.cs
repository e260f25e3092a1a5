using Causeway.Privacy.Paillier;

namespace Causeway.Federation.Vertical.Training;

/// <summary>
/// A host of vertical linear training: it holds feature columns but no labels. Per mini-batch it sends its partial
/// scores (<see cref="ComputeScores"/>), receives the residual and either steps directly (plain) or returns its masked
/// encrypted gradient (<see cref="ReceiveResidual"/>), and finally unmasks the decrypted gradient and steps
/// (<see cref="ReceiveGradient"/>).
/// </summary>
public sealed class HeteroLinearHost
{
    private readonly LinearPartyState _state;
    private readonly HeteroLinearOptions _options;
    private readonly PaillierPublicKey? _key;
    private int[] _batch = [];
    private long _batchNumber = -1;
    private double _scale;

    /// <summary>Host number <paramref name="index"/> with its columns.</summary>
    /// <param name="index">The host's index among the hosts (in messages).</param>
    /// <param name="data">The host's columns of the aligned rows.</param>
    /// <param name="options">The shared training settings.</param>
    /// <param name="keyHolderKey">The public key of the arbiter or (two-party) the guest; null without encryption.</param>
    public HeteroLinearHost(int index, VerticalPartyData data, HeteroLinearOptions options, PaillierPublicKey? keyHolderKey)
    {
        ArgumentNullException.ThrowIfNull(data);
        ArgumentNullException.ThrowIfNull(options);
        options.Validate();
        if ((options.Encryption == VerticalEncryption.None) != (keyHolderKey is null))
        {
            throw new ArgumentException($"Encryption '{options.Encryption}' {(keyHolderKey is null ? "needs" : "takes no")} public key.", nameof(keyHolderKey));
        }

        Index = index;
        _options = options;
        _key = keyHolderKey;
        _state = new LinearPartyState(data, options, intercept: false);
    }

    /// <summary>The host's index among the hosts.</summary>
    public int Index { get; }

    /// <summary>The host's weights, one per column (they never leave the host).</summary>
    public IReadOnlyList<double> Weights => _state.Weights;

    /// <summary>
    /// Step 1: u_h = X_h·w_h for the batch rows, encrypted under the arbiter's key (each row one ciphertext; both cores)
    /// or in the clear.
    /// </summary>
    public PartialScoresMessage ComputeScores(long batchNumber, ReadOnlySpan<int> batch)
    {
        _batch = batch.ToArray();
        _batchNumber = batchNumber;
        var scores = _state.PartialScores(batch);
        if (_options.Encryption != VerticalEncryption.Arbiter)
        {
            return new PartialScoresMessage(Index, batchNumber, scores, null);
        }

        return new PartialScoresMessage(Index, batchNumber, null, VerticalFixedPoint.EncryptScores(scores, _key!));
    }

    /// <summary>
    /// Step 2: with a plain residual, takes the gradient step and returns null; with an encrypted one, returns
    /// E(X_hᵀ(s·d) + r) with a fresh mask r for the key holder to decrypt.
    /// </summary>
    /// <exception cref="InvalidOperationException">The residual is for another batch or in the wrong form.</exception>
    public MaskedGradientMessage? ReceiveResidual(ResidualMessage residual)
    {
        ArgumentNullException.ThrowIfNull(residual);
        if (residual.Batch != _batchNumber)
        {
            throw new InvalidOperationException($"Host {Index} received the residual of batch {residual.Batch} while on batch {_batchNumber}.");
        }

        _scale = residual.Scale;
        if (_options.Encryption == VerticalEncryption.None)
        {
            var plain = residual.Plain ?? throw new InvalidOperationException($"Host {Index} expected a plain residual for batch {residual.Batch}.");
            _state.Step(_batch, residual.Scale, plain);
            return null;
        }

        var encrypted = residual.Encrypted ?? throw new InvalidOperationException($"Host {Index} expected an encrypted residual for batch {residual.Batch}.");
        return _state.MaskGradient(_batchNumber, _batch, encrypted, _key!);
    }

    /// <summary>Step 3: removes the masks from the decrypted gradient and takes the step.</summary>
    public void ReceiveGradient(DecryptedGradientMessage gradient)
    {
        ArgumentNullException.ThrowIfNull(gradient);
        _state.Unmask(gradient, _scale, _key ?? throw new InvalidOperationException($"Host {Index} trains without encryption and expects no decrypted gradient."));
    }
}
