using System.Numerics;
using Causeway.Federation.Vertical.Training;
using Causeway.Privacy.Paillier;

namespace Causeway.Federation.Transfer;

/// <summary>A representation tanh(W·x + b): d rows of weights, each with its bias last.</summary>
internal static class TransferRepresentation
{
    public static double[] Initialize(int dimension, int columns, Random random)
    {
        var weights = new double[dimension * (columns + 1)];
        var scale = 1 / Math.Sqrt(columns + 1);
        for (var i = 0; i < weights.Length; i++)
        {
            weights[i] = scale * ((2 * random.NextDouble()) - 1);
        }

        return weights;
    }

    public static void Apply(ReadOnlySpan<double> weights, ReadOnlySpan<float> row, Span<double> representation)
    {
        var columns = row.Length;
        for (var j = 0; j < representation.Length; j++)
        {
            var w = weights.Slice(j * (columns + 1), columns + 1);
            var z = w[columns];
            for (var c = 0; c < columns; c++)
            {
                z += w[c] * row[c];
            }

            representation[j] = Math.Tanh(z);
        }
    }

    /// <summary>W ← W − η·(G + λW), the bias without the penalty.</summary>
    public static void Step(double[] weights, ReadOnlySpan<double> gradient, int columns, TransferOptions options)
    {
        for (var i = 0; i < weights.Length; i++)
        {
            var penalty = i % (columns + 1) == columns ? 0 : options.L2 * weights[i];
            weights[i] -= options.LearningRate * (gradient[i] + penalty);
        }
    }

    /// <summary>G[j, c] += Σ_r δ[r, j]·x̃[r, c] over the rows r, x̃ = (x, 1).</summary>
    public static void AddOuter(Span<double> gradient, ReadOnlySpan<double> delta, VerticalPartyData data, ReadOnlySpan<int> rows, int dimension)
    {
        var columns = data.Columns;
        for (var r = 0; r < rows.Length; r++)
        {
            var x = data.Row(rows[r]);
            for (var j = 0; j < dimension; j++)
            {
                var d = delta[(r * dimension) + j];
                if (d == 0)
                {
                    continue;
                }

                var g = gradient.Slice(j * (columns + 1), columns + 1);
                for (var c = 0; c < columns; c++)
                {
                    g[c] += d * x[c];
                }

                g[columns] += d;
            }
        }
    }
}

/// <summary>
/// Fixed point of the protected exchange, on raw Paillier plaintexts: an encrypted value v is the vertical protocol's score
/// encoding, round(v·2^32) (<see cref="VerticalFixedPoint.EncryptScores"/>); a plaintext scalar k is round(k·2^24). Every
/// gradient sum is a value times two scalars, so it decrypts scaled by 2^80. Under a 2048-bit key the sums (|v| &lt; 2^10,
/// |k| &lt; 2^10, 2^20 rows: under 130 bits) stay far below n/2.
/// </summary>
internal static class TransferFixedPoint
{
    public const int ScalarBits = 24;

    public static long Scalar(double value) => (long)Math.Round(Math.ScaleB(value, ScalarBits), MidpointRounding.ToEven);

    public static double DecodeSum(BigInteger value) => Math.ScaleB((double)value, -(VerticalFixedPoint.ScoreBits + (2 * ScalarBits)));
}

/// <summary>Gradient sums under the other party's key, each plus a uniform mask the sender keeps; the key holder decrypts only masked values.</summary>
internal sealed class MaskedSums(PaillierCiphertext[] values, BigInteger[] masks, PaillierPublicKey key)
{
    public PaillierCiphertext[] Values { get; } = values;

    /// <summary>The sums, from their masked decryptions.</summary>
    public double[] Unmask(BigInteger[] decrypted)
    {
        if (decrypted.Length != masks.Length)
        {
            throw new ArgumentException($"{decrypted.Length} decrypted values for {masks.Length} masked sums.", nameof(decrypted));
        }

        return [.. decrypted.Select((value, i) => TransferFixedPoint.DecodeSum(VerticalFixedPoint.Unmask(value, masks[i], key)))];
    }

    /// <summary>Adds a fresh mask to each sum (the fresh encryption also re-randomises the deterministic homomorphic result).</summary>
    public static MaskedSums Mask(PaillierCiphertext[] sums, PaillierPublicKey key)
    {
        var masks = new BigInteger[sums.Length];
        var masked = new PaillierCiphertext[sums.Length];
        Parallel.For(0, sums.Length, i =>
        {
            masks[i] = VerticalFixedPoint.DrawMask(key);
            masked[i] = key.Add(sums[i], key.Encrypt(masks[i]));
        });
        return new MaskedSums(masked, masks, key);
    }
}

/// <summary>What the target sends the source each step: its overlap rows' representations and S = Σ v vᵀ, under its own key.</summary>
/// <param name="Representations">E_B(v_ij), row-major over the overlap rows in order.</param>
/// <param name="Outer">E_B(S_jl), row-major d × d.</param>
/// <param name="Key">The target's public key, which both are under.</param>
internal sealed record TargetRepresentations(PaillierCiphertext[] Representations, PaillierCiphertext[] Outer, PaillierPublicKey Key);

/// <summary>The source party: labelled rows in its own columns, its representation, and Φ.</summary>
internal sealed class TransferSource
{
    private readonly VerticalPartyData _data;
    private readonly double[] _signs;
    private readonly double[] _phiWeights;
    private readonly int[] _overlap;
    private readonly TransferOptions _options;
    private readonly int _d;
    private readonly double[] _u;

    public TransferSource(VerticalPartyData data, ReadOnlySpan<float> labels, int[] overlap, TransferOptions options, Random random)
    {
        _data = data;
        _signs = [.. labels.ToArray().Select(l => l > 0.5f ? 1.0 : -1.0)];
        var positives = _signs.Count(y => y > 0);
        var negatives = _signs.Length - positives;
        _phiWeights = [.. _signs.Select(y => y > 0 ? 1.0 / Math.Max(1, positives) : -1.0 / Math.Max(1, negatives))];
        _overlap = overlap;
        _options = options;
        _d = options.Dimension;
        _u = new double[data.Rows * _d];
        Weights = TransferRepresentation.Initialize(_d, data.Columns, random);
    }

    public double[] Weights { get; }

    public void Represent()
    {
        for (var k = 0; k < _data.Rows; k++)
        {
            TransferRepresentation.Apply(Weights, _data.Row(k), _u.AsSpan(k * _d, _d));
        }
    }

    /// <summary>Φ = Σ_k w_k u_k, w_k = y_k / N_{y_k}: the positive rows' mean representation minus the negative rows'.</summary>
    public double[] Phi()
    {
        var phi = new double[_d];
        for (var k = 0; k < _data.Rows; k++)
        {
            for (var j = 0; j < _d; j++)
            {
                phi[j] += _phiWeights[k] * _u[(k * _d) + j];
            }
        }

        return phi;
    }

    /// <summary>a_i = −½ y_i Φ − 2γ u_i for the overlap rows: what only the source can compute (labels and representations).</summary>
    public double[] OwnTerms(double[] phi)
    {
        var a = new double[_overlap.Length * _d];
        for (var i = 0; i < _overlap.Length; i++)
        {
            var k = _overlap[i];
            for (var j = 0; j < _d; j++)
            {
                a[(i * _d) + j] = (-0.5 * _signs[k] * phi[j]) - (2 * _options.Gamma * _u[(k * _d) + j]);
            }
        }

        return a;
    }

    public PaillierCiphertext[] EncryptedOwnTerms(double[] phi, PaillierPublicKey key) => VerticalFixedPoint.EncryptScores(OwnTerms(phi), key);

    /// <summary>The target-dependent part of the gradient in the clear, from the target's plain representations (unprotected baseline).</summary>
    public double[] PlainGradient(double[] phi, double[] v)
    {
        var count = _overlap.Length;
        var gPhi = GradientOfPhi(phi, v);
        var delta = new double[_data.Rows * _d];
        for (var k = 0; k < _data.Rows; k++)
        {
            for (var j = 0; j < _d; j++)
            {
                delta[(k * _d) + j] = _phiWeights[k] * gPhi[j] * Slope(k, j);
            }
        }

        var gradient = new double[Weights.Length];
        TransferRepresentation.AddOuter(gradient, delta, _data, [.. Enumerable.Range(0, _data.Rows)], _d);
        var alignment = new double[count * _d];
        for (var i = 0; i < count; i++)
        {
            for (var j = 0; j < _d; j++)
            {
                alignment[(i * _d) + j] = -2 * _options.Gamma / count * v[(i * _d) + j] * Slope(_overlap[i], j);
            }
        }

        TransferRepresentation.AddOuter(gradient, alignment, _data, _overlap, _d);
        return gradient;
    }

    /// <summary>
    /// The same part under the target's key, masked: E_B(g_Φ,j) = Σ_i E_B(v_ij)·(−y_i/2|C|) + Σ_l E_B(S_jl)·(Φ_l/4|C|), times
    /// P_jc = Σ_k w_k (1 − u_kj²) x̃_kc; plus Σ_{i∈C} E_B(v_ij)·(−2γ/|C|)(1 − u_ij²) x̃_ic.
    /// </summary>
    public MaskedSums MaskedGradient(double[] phi, TargetRepresentations from)
    {
        var key = from.Key;
        var count = _overlap.Length;
        var columns = _data.Columns;
        var sums = new PaillierCiphertext[Weights.Length];
        Parallel.For(0, _d, j =>
        {
            // E_B(g_Φ,j), at 2^(32+24).
            var terms = new List<PaillierCiphertext>(count + _d);
            var scalars = new long[count + _d];
            for (var i = 0; i < count; i++)
            {
                terms.Add(from.Representations[(i * _d) + j]);
                scalars[i] = TransferFixedPoint.Scalar(-_signs[_overlap[i]] / (2.0 * count));
            }

            for (var l = 0; l < _d; l++)
            {
                terms.Add(from.Outer[(j * _d) + l]);
                scalars[count + l] = TransferFixedPoint.Scalar(phi[l] / (4.0 * count));
            }

            var gPhi = key.LinearCombination(terms, scalars);

            // E_B(v_ij)·(−2γ/|C|)(1 − u_ij²), at 2^(32+24), then combined over the overlap rows with x̃_ic.
            var aligned = new PaillierCiphertext[count];
            for (var i = 0; i < count; i++)
            {
                aligned[i] = key.Multiply(from.Representations[(i * _d) + j], TransferFixedPoint.Scalar(-2 * _options.Gamma / count * Slope(_overlap[i], j)));
            }

            var p = new double[columns + 1];
            for (var k = 0; k < _data.Rows; k++)
            {
                var weight = _phiWeights[k] * Slope(k, j);
                var x = _data.Row(k);
                for (var c = 0; c < columns; c++)
                {
                    p[c] += weight * x[c];
                }

                p[columns] += weight;
            }

            var xs = new long[count];
            for (var c = 0; c <= columns; c++)
            {
                for (var i = 0; i < count; i++)
                {
                    xs[i] = TransferFixedPoint.Scalar(c == columns ? 1 : _data.Row(_overlap[i])[c]);
                }

                sums[(j * (columns + 1)) + c] = key.Add(key.Multiply(gPhi, TransferFixedPoint.Scalar(p[c])), key.LinearCombination(aligned, xs));
            }
        });
        return MaskedSums.Mask(sums, key);
    }

    /// <summary>Adds the own part (2γ/|C|)(u_i ⊙ (1 − u_i²)) x̃_iᵀ over the overlap to the cross part and steps.</summary>
    public void Step(double[] crossGradient)
    {
        var count = _overlap.Length;
        var own = new double[count * _d];
        for (var i = 0; i < count; i++)
        {
            for (var j = 0; j < _d; j++)
            {
                own[(i * _d) + j] = 2 * _options.Gamma / count * _u[(_overlap[i] * _d) + j] * Slope(_overlap[i], j);
            }
        }

        TransferRepresentation.AddOuter(crossGradient, own, _data, _overlap, _d);
        if (_options.SourceWeight > 0)
        {
            AddSupervisedGradient(crossGradient);
        }

        TransferRepresentation.Step(Weights, crossGradient, _data.Columns, _options);
    }

    // ∂L/∂Φ = (1/|C|)(−½ Σ y_i v_i + ¼ S Φ).
    private double[] GradientOfPhi(double[] phi, double[] v)
    {
        var count = _overlap.Length;
        var g = new double[_d];
        for (var i = 0; i < count; i++)
        {
            var dot = 0.0;
            for (var l = 0; l < _d; l++)
            {
                dot += v[(i * _d) + l] * phi[l];
            }

            for (var j = 0; j < _d; j++)
            {
                g[j] += ((-0.5 * _signs[_overlap[i]]) + (0.25 * dot)) * v[(i * _d) + j] / count;
            }
        }

        return g;
    }

    /// <summary>
    /// The gradient of the source's own term α/N_A Σ_{k∈A} [log 2 − ½ y_k Φ·u_k + ⅛ (Φ·u_k)²] over every labelled row, the
    /// overlap's Taylor loss applied to its own representations: ∂/∂u_k = α/N_A (−½ y_k + ¼ Φ·u_k) Φ + w_k g, with
    /// g = α/N_A Σ_k (−½ y_k + ¼ Φ·u_k) u_k (through Φ = Σ w_k u_k). Local: it needs nothing from the target.
    /// </summary>
    private void AddSupervisedGradient(double[] gradient)
    {
        var n = _data.Rows;
        var scale = _options.SourceWeight / n;
        var phi = Phi();
        var factor = new double[n];
        var g = new double[_d];
        for (var k = 0; k < n; k++)
        {
            var u = _u.AsSpan(k * _d, _d);
            var dot = 0.0;
            for (var j = 0; j < _d; j++)
            {
                dot += phi[j] * u[j];
            }

            factor[k] = scale * ((-0.5 * _signs[k]) + (0.25 * dot));
            for (var j = 0; j < _d; j++)
            {
                g[j] += factor[k] * u[j];
            }
        }

        var delta = new double[n * _d];
        for (var k = 0; k < n; k++)
        {
            for (var j = 0; j < _d; j++)
            {
                delta[(k * _d) + j] = ((factor[k] * phi[j]) + (_phiWeights[k] * g[j])) * Slope(k, j);
            }
        }

        TransferRepresentation.AddOuter(gradient, delta, _data, [.. Enumerable.Range(0, n)], _d);
    }

    private double Slope(int row, int j)
    {
        var u = _u[(row * _d) + j];
        return 1 - (u * u);
    }
}

/// <summary>The target party: rows in other columns, a few of them (the overlap) also the source's individuals.</summary>
internal sealed class TransferTarget
{
    private readonly VerticalPartyData _data;
    private readonly int[] _overlap;
    private readonly TransferOptions _options;
    private readonly int _d;
    private readonly double[] _v;

    public TransferTarget(VerticalPartyData data, int[] overlap, TransferOptions options, Random random)
    {
        _data = data;
        _overlap = overlap;
        _options = options;
        _d = options.Dimension;
        _v = new double[overlap.Length * _d];
        Weights = TransferRepresentation.Initialize(_d, data.Columns, random);
    }

    public double[] Weights { get; }

    /// <summary>v_i for the overlap rows (the only ones training touches).</summary>
    public void Represent()
    {
        for (var i = 0; i < _overlap.Length; i++)
        {
            TransferRepresentation.Apply(Weights, _data.Row(_overlap[i]), _v.AsSpan(i * _d, _d));
        }
    }

    public double[] Representations() => _v;

    /// <summary>E_B(v_i) and E_B(Σ v_i v_iᵀ).</summary>
    public TargetRepresentations EncryptedRepresentations(PaillierPublicKey key)
    {
        var outer = new double[_d * _d];
        for (var i = 0; i < _overlap.Length; i++)
        {
            for (var j = 0; j < _d; j++)
            {
                for (var l = 0; l < _d; l++)
                {
                    outer[(j * _d) + l] += _v[(i * _d) + j] * _v[(i * _d) + l];
                }
            }
        }

        return new TargetRepresentations(VerticalFixedPoint.EncryptScores(_v, key), VerticalFixedPoint.EncryptScores(outer, key), key);
    }

    /// <summary>The source-dependent part Σ_i (a_i ⊙ (1 − v_i²)) x̃_iᵀ / |C| in the clear (unprotected baseline).</summary>
    public double[] PlainGradient(double[] a)
    {
        var delta = new double[_overlap.Length * _d];
        for (var i = 0; i < _overlap.Length; i++)
        {
            for (var j = 0; j < _d; j++)
            {
                delta[(i * _d) + j] = a[(i * _d) + j] * Slope(i, j) / _overlap.Length;
            }
        }

        var gradient = new double[Weights.Length];
        TransferRepresentation.AddOuter(gradient, delta, _data, _overlap, _d);
        return gradient;
    }

    /// <summary>The same part under the source's key from E_A(a_i), masked: Σ_i E_A(a_ij)·((1 − v_ij²)/|C|)·x̃_ic.</summary>
    public MaskedSums MaskedGradient(PaillierCiphertext[] a)
    {
        var key = a[0].PublicKey;
        var count = _overlap.Length;
        var columns = _data.Columns;
        var sums = new PaillierCiphertext[Weights.Length];
        Parallel.For(0, _d, j =>
        {
            var scaled = new PaillierCiphertext[count];
            for (var i = 0; i < count; i++)
            {
                scaled[i] = key.Multiply(a[(i * _d) + j], TransferFixedPoint.Scalar(Slope(i, j) / count));
            }

            var xs = new long[count];
            for (var c = 0; c <= columns; c++)
            {
                for (var i = 0; i < count; i++)
                {
                    xs[i] = TransferFixedPoint.Scalar(c == columns ? 1 : _data.Row(_overlap[i])[c]);
                }

                sums[(j * (columns + 1)) + c] = key.LinearCombination(scaled, xs);
            }
        });
        return MaskedSums.Mask(sums, key);
    }

    /// <summary>Adds the own part Σ_i (b_i ⊙ (1 − v_i²)) x̃_iᵀ / |C|, b_i = ¼(Φ·v_i)Φ + 2γ v_i, to the cross part and steps.</summary>
    public void Step(double[] phi, double[] crossGradient)
    {
        var count = _overlap.Length;
        var own = new double[count * _d];
        for (var i = 0; i < count; i++)
        {
            var dot = 0.0;
            for (var l = 0; l < _d; l++)
            {
                dot += phi[l] * _v[(i * _d) + l];
            }

            for (var j = 0; j < _d; j++)
            {
                own[(i * _d) + j] = ((0.25 * dot * phi[j]) + (2 * _options.Gamma * _v[(i * _d) + j])) * Slope(i, j) / count;
            }
        }

        TransferRepresentation.AddOuter(crossGradient, own, _data, _overlap, _d);
        TransferRepresentation.Step(Weights, crossGradient, _data.Columns, _options);
    }

    private double Slope(int i, int j)
    {
        var v = _v[(i * _d) + j];
        return 1 - (v * v);
    }
}
