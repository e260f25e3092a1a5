using System.Numerics;
using Causeway.Privacy.Paillier;

namespace Causeway.Federation.Vertical.Training;

/// <summary>
/// One party's half of a vertical linear model: its weights (and, at the guest, the intercept as a constant-1 feature),
/// its partial scores, and its gradient step from a plain or an encrypted residual. The masks of an encrypted gradient
/// live here between sending it and receiving it decrypted.
/// </summary>
internal sealed class LinearPartyState
{
    private readonly VerticalPartyData _data;
    private readonly HeteroLinearOptions _options;
    private BigInteger[]? _masks;
    private long _maskedBatch = -1;
    private int _maskedRows;

    public LinearPartyState(VerticalPartyData data, HeteroLinearOptions options, bool intercept)
    {
        _data = data;
        _options = options;
        HasIntercept = intercept;
        Weights = new double[data.Columns + (intercept ? 1 : 0)];
    }

    public bool HasIntercept { get; }

    /// <summary>The weights, the intercept last when there is one.</summary>
    public double[] Weights { get; }

    public VerticalPartyData Data => _data;

    /// <summary>u = X·w (+ b) for the batch rows.</summary>
    public double[] PartialScores(ReadOnlySpan<int> batch)
    {
        var scores = new double[batch.Length];
        for (var i = 0; i < batch.Length; i++)
        {
            scores[i] = VerticalScoring.Score(Weights, HasIntercept, _data.Row(batch[i]));
        }

        return scores;
    }

    /// <summary>w ← w − η·(scale/B · Xᵀr + λw) from the scaled residual r in the clear.</summary>
    public void Step(ReadOnlySpan<int> batch, double scale, ReadOnlySpan<double> residual)
    {
        var gradient = new double[Weights.Length];
        var columns = _data.Columns;
        for (var i = 0; i < batch.Length; i++)
        {
            var row = _data.Row(batch[i]);
            for (var j = 0; j < columns; j++)
            {
                gradient[j] += row[j] * residual[i];
            }

            if (HasIntercept)
            {
                gradient[columns] += residual[i];
            }
        }

        Apply(gradient, scale / batch.Length);
    }

    /// <summary>
    /// E(Σᵢ round(xᵢⱼ·2^16)·mᵢ + rⱼ) per feature for encrypted scaled residuals E(mᵢ), with fresh masks rⱼ (kept until
    /// <see cref="Unmask"/>). The fresh encryption of each mask also re-randomises the deterministic linear combination.
    /// </summary>
    public MaskedGradientMessage MaskGradient(long batchNumber, ReadOnlySpan<int> batch, IReadOnlyList<PaillierCiphertext> residuals, PaillierPublicKey key)
    {
        if (residuals.Count != batch.Length)
        {
            throw new ArgumentException($"The encrypted residual of batch {batchNumber} has {residuals.Count} rows; the batch has {batch.Length}.", nameof(residuals));
        }

        var rows = batch.ToArray();
        var values = new PaillierCiphertext[Weights.Length];
        var masks = new BigInteger[Weights.Length];

        // The residuals are the bases of every feature's combination: prepared once per batch, shared by all cores.
        using var combiner = key.PrepareLinearCombinations(residuals);
        Parallel.For(0, Weights.Length, j =>
        {
            var scalars = new long[rows.Length];
            for (var i = 0; i < rows.Length; i++)
            {
                scalars[i] = j == _data.Columns ? 1L << VerticalFixedPoint.FeatureBits : VerticalFixedPoint.EncodeFeature(_data.Features[(rows[i] * _data.Columns) + j]);
            }

            masks[j] = VerticalFixedPoint.DrawMask(key);
            values[j] = key.Add(combiner.Combine(scalars), key.Encrypt(masks[j]));
        });

        _masks = masks;
        _maskedBatch = batchNumber;
        _maskedRows = rows.Length;
        return new MaskedGradientMessage(batchNumber, values);
    }

    /// <summary>Removes the masks from the decrypted sums and takes the gradient step.</summary>
    public void Unmask(DecryptedGradientMessage decrypted, double scale, PaillierPublicKey key)
    {
        if (_masks is null || decrypted.Batch != _maskedBatch || decrypted.Values.Count != _masks.Length)
        {
            throw new InvalidOperationException(
                $"A decrypted gradient for batch {decrypted.Batch} with {decrypted.Values.Count} values does not answer the masked gradient this party sent (batch {_maskedBatch}, {_masks?.Length ?? 0} values).");
        }

        var gradient = new double[Weights.Length];
        for (var j = 0; j < gradient.Length; j++)
        {
            gradient[j] = VerticalFixedPoint.DecodeProduct(VerticalFixedPoint.Unmask(decrypted.Values[j], _masks[j], key));
        }

        _masks = null;
        _maskedBatch = -1;
        Apply(gradient, scale / _maskedRows);
    }

    private void Apply(double[] sums, double factor)
    {
        var columns = _data.Columns;
        for (var j = 0; j < Weights.Length; j++)
        {
            var penalty = j < columns ? _options.L2 * Weights[j] : 0.0;
            Weights[j] -= _options.LearningRate * ((sums[j] * factor) + penalty);
        }
    }
}
