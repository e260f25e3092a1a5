using Causeway.Federation.Vertical.Data;
using Causeway.Federation.Vertical.Training;

namespace Causeway.Federation.Vertical.Network;

/// <summary>
/// A party's part of a split neural network in a job: its bottom model and, at the guest, the top model, fed by
/// <see cref="SplitBatchStep"/>s in the order of <see cref="SplitNetworkTraining"/>.
/// </summary>
internal sealed class SplitRole
{
    private readonly SplitOpen _open;
    private readonly SplitNetworkParty _bottom;
    private readonly SplitNetworkTop? _top;
    private readonly VerticalPartyData _test;
    private readonly float[]? _testLabels;
    private readonly EpochBatches _batches;

    private SplitRole(SplitOpen open, SplitNetworkParty bottom, SplitNetworkTop? top, VerticalPartyData train, VerticalPartyData test, float[]? testLabels)
    {
        _open = open;
        _bottom = bottom;
        _top = top;
        _test = test;
        _testLabels = testLabels;
        _batches = new EpochBatches(open.Job, train.Rows, open.Options.BatchSize, open.Options.Epochs, open.Options.Seed);
        Opened = new TrainingOpened(train.Rows, test.Rows, train.Columns, null);
    }

    /// <summary>The answer to the open step.</summary>
    public TrainingOpened Opened { get; }

    /// <summary>The guest (party 0, with the top model) or a host on its aligned rows (<paramref name="train"/> and <paramref name="test"/> IDs in the canonical order).</summary>
    public static SplitRole Create(SplitOpen open, VerticalTable table, IReadOnlyList<string> train, IReadOnlyList<string> test)
    {
        var options = open.Options;
        options.Validate();

        if ((open.Role == VerticalRole.Guest) != (open.Party == 0) || open.Party < 0 || open.Party >= open.Parties)
        {
            throw new ArgumentException($"Job '{open.Job}': party {open.Party} of {open.Parties} cannot be the {open.Role} (the guest is party 0).");
        }

        var trainData = table.Align(train);
        var bottom = new SplitNetworkParty(open.Party, trainData, options);
        if (open.Role != VerticalRole.Guest)
        {
            return new SplitRole(open, bottom, null, trainData, table.Align(test), null);
        }

        if (table.Labels is null)
        {
            throw new InvalidOperationException($"Job '{open.Job}': the guest holds the labels, and {table.SourceName} has no label column.");
        }

        var top = new SplitNetworkTop(open.Parties, table.AlignLabels(train), options);
        return new SplitRole(open, bottom, top, trainData, table.Align(test), table.AlignLabels(test));
    }

    /// <summary>Takes one step of the protocol.</summary>
    public VerticalMessage Take(SplitBatchStep step)
    {
        switch (step.Kind)
        {
            case SplitStepKind.Forward:
                return Reply(_bottom.Forward(step.Batch, _batches.Rows(step.Epoch, step.Index)));
            case SplitStepKind.Top:
                var gradients = Top.Step(step.Batch, _batches.Rows(step.Epoch, step.Index), [.. step.Inputs.Select(ToEmbedding)]);
                return new SplitReply([.. gradients.Select(g => new SplitValues(g.Party, g.Batch, _open.Options.Embedding, g.Values))]);
            case SplitStepKind.Backward:
                var gradient = step.Inputs.Count == 1 ? step.Inputs[0] : throw new ArgumentException($"Step {step.Name} takes one input, got {step.Inputs.Count}.");
                _bottom.Backward(new EmbeddingGradientMessage(gradient.Party, gradient.Batch, gradient.Values));
                return new SplitReply([]);
            case SplitStepKind.HoldoutEmbed:
                return Reply(_bottom.Embed(_test));
            case SplitStepKind.Evaluate:
                return HeldOutScores.OfProbabilities(Top.Predict([.. step.Inputs.Select(ToEmbedding)]), _testLabels!);
            default:
                throw new ArgumentException($"Unknown split step {step.Kind}.");
        }
    }

    /// <summary>This party's part of the network as trained so far, with the schema and statistics of <paramref name="table"/>.</summary>
    public TrainedSplitPart Part(VerticalTable table) =>
        new(_open.Job, _open.Party, _open.Parties, table.Schema, table.Statistics, _bottom.Layers, _top?.Layers, _open.Options.Embedding);

    private SplitNetworkTop Top => _top ?? throw new InvalidOperationException($"Job '{_open.Job}': this step is the guest's, and this party is a host.");

    private static SplitReply Reply(EmbeddingMessage embedding) => new([new SplitValues(embedding.Party, embedding.Batch, embedding.Width, embedding.Values)]);

    private static EmbeddingMessage ToEmbedding(SplitValues values) => new(values.Party, values.Batch, values.Width, values.Values);
}
