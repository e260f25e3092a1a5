namespace Causeway.Federation.Vertical.Training;

/// <summary>
/// The guest's top model of a split network: it concatenates the parties' embeddings, applies a ReLU layer and a
/// logistic output, computes the loss against its labels and returns to each party ∂L/∂(its embedding).
/// </summary>
public sealed class SplitNetworkTop
{
    private readonly float[] _labels;
    private readonly SplitNetworkOptions _options;
    private readonly DenseStack _top;
    private readonly int _parties;

    /// <summary>The top model over <paramref name="parties"/> embeddings, with the guest's labels (0/1).</summary>
    public SplitNetworkTop(int parties, float[] labels, SplitNetworkOptions options)
    {
        ArgumentNullException.ThrowIfNull(labels);
        ArgumentNullException.ThrowIfNull(options);
        ArgumentOutOfRangeException.ThrowIfLessThan(parties, 1);
        _parties = parties;
        _labels = labels;
        _options = options;
        _top = new DenseStack([parties * options.Embedding, options.TopHidden, 1], new Random(unchecked((int)options.Seed)));
    }

    /// <summary>The top model's layers over the concatenated embeddings (ReLU between them; σ of the last gives the probability), copied.</summary>
    public IReadOnlyList<Core.Models.DenseLayer> Layers => _top.Layers;

    /// <summary>The mean logistic loss of the last batch.</summary>
    public double LastLoss { get; private set; }

    /// <summary>Forward, loss and backward for one batch; returns each party's embedding gradient.</summary>
    /// <exception cref="InvalidOperationException">An embedding is missing, for another batch or of the wrong size.</exception>
    public IReadOnlyList<EmbeddingGradientMessage> Step(long batchNumber, ReadOnlySpan<int> rows, IReadOnlyList<EmbeddingMessage> embeddings)
    {
        var input = Concatenate(embeddings, rows.Length, batchNumber);
        var output = _top.Forward(input, rows.Length);
        var gradient = new float[rows.Length];
        var loss = 0.0;
        for (var i = 0; i < rows.Length; i++)
        {
            var p = 1.0 / (1.0 + Math.Exp(-output[i]));
            var y = _labels[rows[i]];
            loss -= (y * Math.Log(Math.Max(p, 1e-12))) + ((1 - y) * Math.Log(Math.Max(1 - p, 1e-12)));
            gradient[i] = (float)((p - y) / rows.Length);
        }

        LastLoss = loss / rows.Length;
        var inputGradient = _top.Backward(gradient, rows.Length, _options.LearningRate);
        var width = _parties * _options.Embedding;
        var result = new EmbeddingGradientMessage[_parties];
        for (var p = 0; p < _parties; p++)
        {
            var values = new float[rows.Length * _options.Embedding];
            for (var i = 0; i < rows.Length; i++)
            {
                Array.Copy(inputGradient, (i * width) + (p * _options.Embedding), values, i * _options.Embedding, _options.Embedding);
            }

            result[p] = new EmbeddingGradientMessage(p, batchNumber, values);
        }

        return result;
    }

    /// <summary>Inference: probabilities from the parties' embeddings of the same rows.</summary>
    public double[] Predict(IReadOnlyList<EmbeddingMessage> embeddings)
    {
        ArgumentNullException.ThrowIfNull(embeddings);
        var rows = embeddings.Count == 0 ? 0 : embeddings[0].Values.Length / _options.Embedding;
        var output = _top.Forward(Concatenate(embeddings, rows, -1), rows);
        return [.. output.Select(u => 1.0 / (1.0 + Math.Exp(-u)))];
    }

    private float[] Concatenate(IReadOnlyList<EmbeddingMessage> embeddings, int rows, long batchNumber)
    {
        var e = _options.Embedding;
        var width = _parties * e;
        var input = new float[rows * width];
        if (embeddings.Count != _parties)
        {
            throw new InvalidOperationException($"The top model takes {_parties} embeddings; got {embeddings.Count}.");
        }

        foreach (var embedding in embeddings)
        {
            if (embedding.Batch != batchNumber || embedding.Width != e || embedding.Values.Length != rows * e || embedding.Party < 0 || embedding.Party >= _parties)
            {
                throw new InvalidOperationException($"Party {embedding.Party}'s embedding (batch {embedding.Batch}, {embedding.Values.Length} values of width {embedding.Width}) does not fit batch {batchNumber} of {rows} rows x {e}.");
            }

            for (var i = 0; i < rows; i++)
            {
                Array.Copy(embedding.Values, i * e, input, (i * width) + (embedding.Party * e), e);
            }
        }

        return input;
    }
}
