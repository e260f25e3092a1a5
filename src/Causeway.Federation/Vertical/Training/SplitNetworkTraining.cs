namespace Causeway.Federation.Vertical.Training;

/// <summary>
/// The in-memory runner of a vertical split network: per mini-batch, every party → guest <see cref="EmbeddingMessage"/>,
/// the guest's top model steps, guest → every party <see cref="EmbeddingGradientMessage"/>, each bottom model steps.
/// </summary>
public sealed class SplitNetworkTraining
{
    private readonly SplitNetworkParty[] _parties;
    private readonly SplitNetworkTop _top;
    private readonly SplitNetworkOptions _options;
    private readonly int _rows;

    private SplitNetworkTraining(SplitNetworkParty[] parties, SplitNetworkTop top, SplitNetworkOptions options, int rows)
    {
        _parties = parties;
        _top = top;
        _options = options;
        _rows = rows;
    }

    /// <summary>The mean loss of the last batch.</summary>
    public double LastLoss => _top.LastLoss;

    /// <summary>Sets up the parties (the guest's columns first) and the guest's top model.</summary>
    /// <exception cref="ArgumentException">No parties, rows that differ, or labels that do not fit.</exception>
    public static SplitNetworkTraining Create(IReadOnlyList<VerticalPartyData> parties, float[] labels, SplitNetworkOptions options)
    {
        ArgumentNullException.ThrowIfNull(parties);
        ArgumentNullException.ThrowIfNull(labels);
        ArgumentNullException.ThrowIfNull(options);
        if (parties.Count == 0 || parties.Any(p => p.Rows != labels.Length))
        {
            throw new ArgumentException($"A split network needs at least one party and {labels.Length} aligned rows at every party.", nameof(parties));
        }

        options.Validate();

        return new SplitNetworkTraining(
            [.. parties.Select((data, p) => new SplitNetworkParty(p, data, options))],
            new SplitNetworkTop(parties.Count, labels, options),
            options,
            labels.Length);
    }

    /// <summary>Trains every epoch; returns the model for scoring.</summary>
    public SplitNetworkModel Train(CancellationToken cancellationToken = default)
    {
        long number = 0;
        for (var epoch = 0; epoch < _options.Epochs; epoch++)
        {
            foreach (var batch in BatchPlan.Batches(_rows, _options.BatchSize, _options.Seed, epoch))
            {
                cancellationToken.ThrowIfCancellationRequested();
                var embeddings = _parties.Select(p => p.Forward(number, batch)).ToArray();
                var gradients = _top.Step(number, batch, embeddings);
                for (var p = 0; p < _parties.Length; p++)
                {
                    _parties[p].Backward(gradients[p]);
                }

                number++;
            }
        }

        return new SplitNetworkModel(_parties, _top);
    }
}
