namespace Causeway.Federation.Vertical.Training;

/// <summary>
/// One party's bottom model of a split network: it maps the party's columns to an embedding
/// (<see cref="Forward"/>) and learns from the gradient the guest returns for that embedding (<see cref="Backward"/>).
/// Its columns and weights stay home; the embedding and its gradient cross in the clear.
/// </summary>
public sealed class SplitNetworkParty
{
    private readonly VerticalPartyData _data;
    private readonly SplitNetworkOptions _options;
    private readonly DenseStack _bottom;
    private long _batch = -1;
    private int _rows;

    /// <summary>Party <paramref name="index"/> (0 is the guest's own bottom model) with its columns.</summary>
    public SplitNetworkParty(int index, VerticalPartyData data, SplitNetworkOptions options)
    {
        ArgumentNullException.ThrowIfNull(data);
        ArgumentNullException.ThrowIfNull(options);
        Index = index;
        _data = data;
        _options = options;
        _bottom = new DenseStack([data.Columns, .. options.Hidden, options.Embedding], new Random(unchecked((int)options.Seed + (7919 * (index + 1)))));
    }

    /// <summary>The party's index.</summary>
    public int Index { get; }

    /// <summary>The bottom model's layers (ReLU between them; the last gives the embedding), copied.</summary>
    public IReadOnlyList<Core.Models.DenseLayer> Layers => _bottom.Layers;

    /// <summary>The embeddings of the batch rows (kept for <see cref="Backward"/>).</summary>
    public EmbeddingMessage Forward(long batchNumber, ReadOnlySpan<int> rows)
    {
        _batch = batchNumber;
        _rows = rows.Length;
        var input = _data.Select(rows).Features;
        return new EmbeddingMessage(Index, batchNumber, _options.Embedding, _bottom.Forward(input, rows.Length));
    }

    /// <summary>Backpropagates the guest's ∂L/∂embedding through the bottom model and steps.</summary>
    /// <exception cref="InvalidOperationException">The gradient is for another batch or of the wrong size.</exception>
    public void Backward(EmbeddingGradientMessage gradient)
    {
        ArgumentNullException.ThrowIfNull(gradient);
        if (gradient.Batch != _batch || gradient.Values.Length != _rows * _options.Embedding)
        {
            throw new InvalidOperationException($"Party {Index} received an embedding gradient for batch {gradient.Batch} ({gradient.Values.Length} values) while on batch {_batch} ({_rows * _options.Embedding}).");
        }

        _bottom.Backward(gradient.Values, _rows, _options.LearningRate);
    }

    /// <summary>Inference: the embeddings of new rows of this party (only they cross to the guest).</summary>
    public EmbeddingMessage Embed(VerticalPartyData rows)
    {
        ArgumentNullException.ThrowIfNull(rows);
        if (rows.Columns != _data.Columns)
        {
            throw new ArgumentException($"Party {Index} was trained on {_data.Columns} columns; the rows have {rows.Columns}.", nameof(rows));
        }

        return new EmbeddingMessage(Index, -1, _options.Embedding, _bottom.Forward(rows.Features, rows.Rows));
    }
}
