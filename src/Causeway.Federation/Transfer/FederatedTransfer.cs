using System.Numerics;
using Causeway.Federation.Vertical.Training;
using Causeway.Privacy.Paillier;

namespace Causeway.Federation.Transfer;

/// <summary>How federated transfer learning trains (Liu et al. 2018, "Secure Federated Transfer Learning").</summary>
public sealed record TransferOptions
{
    /// <summary>The most representation width: 64.</summary>
    public const int MaxDimension = 64;

    /// <summary>The most steps: 10,000.</summary>
    public const int MaxEpochs = 10_000;

    /// <summary>Width d of the shared representation both parties map their rows into. Default 4.</summary>
    public int Dimension { get; init; } = 4;

    /// <summary>γ, the weight of the alignment term ‖u − v‖² over the overlap. Default 0.5.</summary>
    public double Gamma { get; init; } = 0.5;

    /// <summary>
    /// α, the weight of the source's own term over all its labelled rows (the overlap's loss applied to its own
    /// representations, computed at the source alone); 0 trains as Liu et al. do, through the overlap only. Default 1.
    /// </summary>
    public double SourceWeight { get; init; } = 1;

    /// <summary>λ, the L2 penalty on both parties' weights. Default 0.001.</summary>
    public double L2 { get; init; } = 0.001;

    /// <summary>Step size of both parties' full-batch gradient descent. Default 0.5.</summary>
    public double LearningRate { get; init; } = 0.5;

    /// <summary>Full-batch steps. Default 30.</summary>
    public int Epochs { get; init; } = 30;

    /// <summary>Exchange the intermediate values under Paillier with masked gradients (true), or in the clear (false: a test baseline only). Default true.</summary>
    public bool Protected { get; init; } = true;

    /// <summary>Paillier key size of each party's key pair. Default 2048.</summary>
    public int KeyBits { get; init; } = PaillierPublicKey.DefaultBits;

    /// <summary>Seeds the weights' initialisation. Default 42.</summary>
    public ulong Seed { get; init; } = 42;

    /// <summary>Why these settings cannot train, naming the setting as JSON does, or null.</summary>
    public string? DescribeProblem() =>
        Dimension is < 1 or > MaxDimension ? $"dimension must lie in [1, {MaxDimension}]; got {Dimension}"
        : Epochs is < 1 or > MaxEpochs ? $"epochs must lie in [1, {MaxEpochs}]; got {Epochs}"
        : !(LearningRate > 0 && double.IsFinite(LearningRate)) ? "learningRate must be positive and finite"
        : !(Gamma >= 0 && double.IsFinite(Gamma)) || !(L2 >= 0 && double.IsFinite(L2)) || !(SourceWeight >= 0 && double.IsFinite(SourceWeight))
            ? "gamma, l2 and sourceWeight must be finite and at least 0"
        : KeyBits < PaillierPublicKey.MinimumBits || KeyBits > PaillierPublicKey.MaximumBits || KeyBits % 256 != 0
            ? $"keyBits must be a multiple of 256 in [{PaillierPublicKey.MinimumBits}, {PaillierPublicKey.MaximumBits}]; got {KeyBits}"
        : null;
}

/// <summary>
/// Federated transfer learning across feature spaces (Liu et al. 2018, the FTL of FATE): a source party with labelled rows
/// and a target party with other columns share only a small overlap of individuals (found by PSI); each maps its rows into a
/// d-dimensional representation, the overlap aligns the two, and the source's labels reach the target's other rows through
/// Φ, the label-weighted mean of the source's representations. The target then scores any of its own rows as σ(Φ·v).
/// </summary>
/// <remarks>
/// <para>
/// Each party's representation is tanh(W·x + b). With y ∈ {−1, +1}, Φ = Σ_{k∈A} y_k u_k / N_{y_k} (the positive rows' mean
/// representation minus the negative rows': FTL's label-weighted mean (1/N_A) Σ y_k u_k, balanced so that the larger class
/// does not swamp it), and the overlap C, the loss
/// (the Taylor form of the logistic loss, as FTL uses, so that every exchanged term is linear in the other party's values) is
/// </para>
/// <code>
/// L = (1/|C|) Σ_{i∈C} [ log 2 − ½ y_i Φ·v_i + ⅛ (Φ·v_i)² + γ ‖u_i − v_i‖² ]
///   + (α/N_A) Σ_{k∈A} [ log 2 − ½ y_k Φ·u_k + ⅛ (Φ·u_k)² ] + λ/2 (‖W_A‖² + ‖W_B‖²)
/// </code>
/// <para>
/// The α term (<see cref="TransferOptions.SourceWeight"/>) is not in Liu et al.: it trains the source's representation on
/// all its labelled rows, not only through the few overlap rows, and the alignment term then carries that to the target.
/// It involves the source's rows alone, so it is computed at the source and adds nothing to the exchange.
/// </para>
/// <para>
/// so ∂L/∂v_i = (a_i + b_i)/|C| with a_i = −½ y_i Φ − 2γ u_i (the source's: labels and representations) and
/// b_i = ¼ (Φ·v_i) Φ + 2γ v_i (the target's, given Φ); and ∂L/∂Φ = (1/|C|)(−½ Σ y_i v_i + ¼ S Φ) with S = Σ v_i v_iᵀ.
/// </para>
/// <para>
/// <b>Who sees what, protected (the default).</b> Each party holds its own Paillier key pair. Every step the source sends Φ
/// (d numbers: an aggregate of all its labelled rows) and E_A(a_i) for the overlap rows; the target computes its gradient's
/// source part E_A(Σ (a_i ⊙ s_i) x_iᵀ / |C|) homomorphically, adds uniform masks, and the source decrypts only masked sums.
/// The target sends E_B(v_i) and E_B(S); the source computes its gradient's target part under the target's key, masked the
/// same way, and the target decrypts only masked sums. Neither learns the other's rows, labels, per-row representations or
/// weights; each learns its own gradient, and the target learns Φ each step (and at the end, to score its rows).
/// </para>
/// </remarks>
public static class FederatedTransfer
{
    /// <summary>Trains both parties' representations; returns the target's model.</summary>
    /// <param name="source">The labelled party's rows (its columns only).</param>
    /// <param name="labels">The source's labels, 0 or 1, one per row.</param>
    /// <param name="target">The target party's rows (its columns only).</param>
    /// <param name="overlap">The aligned pairs (source row, target row) of the individuals both hold, from PSI.</param>
    /// <param name="options">The settings.</param>
    /// <param name="epochsDone">Hears each finished step.</param>
    public static TransferModel Train(
        VerticalPartyData source, ReadOnlySpan<float> labels, VerticalPartyData target, IReadOnlyList<(int Source, int Target)> overlap, TransferOptions options, IProgress<int>? epochsDone = null)
    {
        ArgumentNullException.ThrowIfNull(source);
        ArgumentNullException.ThrowIfNull(target);
        ArgumentNullException.ThrowIfNull(overlap);
        ArgumentNullException.ThrowIfNull(options);
        if (labels.Length != source.Rows || overlap.Count == 0 || options.Dimension < 1 || options.Epochs < 1)
        {
            throw new ArgumentException($"Expected one label per source row ({source.Rows}, got {labels.Length}), a non-empty overlap, and a dimension and epochs of at least 1.");
        }

        var random = new Random((int)(options.Seed & 0x7FFFFFFF));
        var a = new TransferSource(source, labels, [.. overlap.Select(p => p.Source)], options, random);
        var b = new TransferTarget(target, [.. overlap.Select(p => p.Target)], options, random);
        using var sourceKey = options.Protected ? PaillierPrivateKey.Generate(options.KeyBits) : null;
        using var targetKey = options.Protected ? PaillierPrivateKey.Generate(options.KeyBits) : null;
        for (var epoch = 0; epoch < options.Epochs; epoch++)
        {
            // Both parties' representations now, before either steps: the gradients are of one loss at one point.
            a.Represent();
            b.Represent();
            var phi = a.Phi();
            if (sourceKey is not null && targetKey is not null)
            {
                // Source → target: Φ and E_A(a_i); the target's masked gradient goes back for decryption.
                var masked = b.MaskedGradient(a.EncryptedOwnTerms(phi, sourceKey.PublicKey));
                var targetGradient = masked.Unmask(Decrypt(sourceKey, masked.Values));

                // Target → source: E_B(v_i) and E_B(S); the source's masked gradient goes back for decryption.
                var maskedSource = a.MaskedGradient(phi, b.EncryptedRepresentations(targetKey.PublicKey));
                var sourceGradient = maskedSource.Unmask(Decrypt(targetKey, maskedSource.Values));
                b.Step(phi, targetGradient);
                a.Step(sourceGradient);
            }
            else
            {
                var targetGradient = b.PlainGradient(a.OwnTerms(phi));
                var sourceGradient = a.PlainGradient(phi, b.Representations());
                b.Step(phi, targetGradient);
                a.Step(sourceGradient);
            }

            epochsDone?.Report(epoch + 1);
        }

        a.Represent();
        return new TransferModel(b.Weights, a.Phi(), target.Columns, options.Dimension);
    }

    internal static BigInteger[] Decrypt(PaillierPrivateKey key, PaillierCiphertext[] values)
    {
        var plain = new BigInteger[values.Length];
        Parallel.For(0, values.Length, i => plain[i] = key.Decrypt(values[i]));
        return plain;
    }
}

/// <summary>The target party's model after transfer: its representation weights and Φ; it scores its own rows alone.</summary>
public sealed class TransferModel
{
    private readonly double[] _weights;
    private readonly double[] _phi;
    private readonly int _columns;
    private readonly int _dimension;

    internal TransferModel(double[] weights, double[] phi, int columns, int dimension)
    {
        _weights = weights;
        _phi = phi;
        _columns = columns;
        _dimension = dimension;
    }

    /// <summary>P(label = 1) = σ(Φ·tanh(W·x + b)) for each of the target's rows.</summary>
    public float[] Predict(VerticalPartyData rows)
    {
        ArgumentNullException.ThrowIfNull(rows);
        if (rows.Columns != _columns)
        {
            throw new ArgumentException($"The model takes {_columns} columns; the rows have {rows.Columns}.", nameof(rows));
        }

        var scores = new float[rows.Rows];
        var v = new double[_dimension];
        for (var r = 0; r < rows.Rows; r++)
        {
            TransferRepresentation.Apply(_weights, rows.Row(r), v);
            var z = 0.0;
            for (var j = 0; j < _dimension; j++)
            {
                z += _phi[j] * v[j];
            }

            scores[r] = (float)(1 / (1 + Math.Exp(-z)));
        }

        return scores;
    }
}
