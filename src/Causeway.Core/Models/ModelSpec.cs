namespace Causeway.Core.Models;

/// <summary>
/// The architecture of a dense network: inputs, hidden ReLU layers, and an output head fixed by the task.
/// </summary>
/// <remarks>
/// Logistic, softmax and linear regression are the networks without hidden layers, so one implementation
/// (<see cref="DenseNetwork"/>) serves every model kind. Tensors are named <c>layer{i}.weight</c>
/// (shape outputs x inputs) and <c>layer{i}.bias</c> (shape outputs), i counting from 0.
/// </remarks>
public sealed record ModelSpec
{
    public ModelSpec(LearningTask task, int inputs, int outputs, IReadOnlyList<int>? hidden = null, float dropout = 0f)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(inputs);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(outputs);
        ArgumentOutOfRangeException.ThrowIfNegative(dropout);
        ArgumentOutOfRangeException.ThrowIfGreaterThanOrEqual(dropout, 1f);
        if (task != LearningTask.MulticlassClassification && outputs != 1)
        {
            throw new ArgumentException($"A {task} model has exactly one output, not {outputs}.", nameof(outputs));
        }

        if (task == LearningTask.MulticlassClassification && outputs < 2)
        {
            throw new ArgumentException("A multiclass model needs at least two outputs.", nameof(outputs));
        }

        Task = task;
        Inputs = inputs;
        Outputs = outputs;
        Hidden = [.. hidden ?? []];
        foreach (var width in Hidden)
        {
            ArgumentOutOfRangeException.ThrowIfNegativeOrZero(width, nameof(hidden));
        }

        Dropout = dropout;
    }

    public LearningTask Task { get; }

    /// <summary>The number of input features.</summary>
    public int Inputs { get; }

    /// <summary>The number of outputs: 1, or the number of classes for a multiclass task.</summary>
    public int Outputs { get; }

    /// <summary>Widths of the hidden ReLU layers, input side first. Empty for the linear models.</summary>
    public IReadOnlyList<int> Hidden { get; }

    /// <summary>The width of the network's embedding, its last hidden layer; 0 without hidden layers.</summary>
    public int EmbeddingWidth => Hidden.Count == 0 ? 0 : Hidden[^1];

    /// <summary>Dropout probability applied after every hidden layer during training (0 disables it).</summary>
    public float Dropout { get; }

    /// <summary>A human name: "logistic regression", "softmax regression", "linear regression" or "MLP 784-200-200-10".</summary>
    public string DisplayName => Hidden.Count > 0
        ? $"MLP {Inputs}-{string.Join('-', Hidden)}-{Outputs}"
        : Task switch
        {
            LearningTask.BinaryClassification => "logistic regression",
            LearningTask.MulticlassClassification => "softmax regression",
            _ => "linear regression",
        };

    public static ModelSpec LogisticRegression(int inputs) => new(LearningTask.BinaryClassification, inputs, 1);

    public static ModelSpec SoftmaxRegression(int inputs, int classes) => new(LearningTask.MulticlassClassification, inputs, classes);

    public static ModelSpec LinearRegression(int inputs) => new(LearningTask.Regression, inputs, 1);

    public bool Equals(ModelSpec? other) =>
        other is not null && Task == other.Task && Inputs == other.Inputs && Outputs == other.Outputs
        && Hidden.SequenceEqual(other.Hidden) && Dropout.Equals(other.Dropout);

    public override int GetHashCode() => HashCode.Combine(Task, Inputs, Outputs, Hidden.Count, Dropout);
}
