using System.Text.Json.Serialization;
using Causeway.Core.Models;

namespace Causeway.Federation.Configuration;

/// <summary>The <c>"model"</c> section.</summary>
public sealed record ModelConfig
{
    /// <summary>The model kind. Default <see cref="ModelType.Logistic"/>.</summary>
    public ModelType Type { get; init; } = ModelType.Logistic;

    /// <summary>Hidden layer widths (mlp only). Null means [200, 200], the 2NN of McMahan et al. 2017.</summary>
    public IReadOnlyList<int>? Hidden { get; init; }

    /// <summary>Dropout probability after each hidden layer, in [0, 1) (mlp only). Default 0.</summary>
    public float Dropout { get; init; }

    /// <summary>
    /// The parameters the run starts from instead of a seeded initialisation: a Causeway model file (<c>.cw</c>) of the
    /// same architecture, base64 (what <c>causeway run start --init F.cw</c> puts here), e.g. one trained at one party or
    /// by an earlier run. Stored with the run, so a restarted coordinator starts from it too. Null (the default): the
    /// run seed initialises the model.
    /// </summary>
    public string? Init { get; init; }

    /// <summary>
    /// The most <see cref="Init"/> may hold, decoded: 11 MiB, so that its base64 (a third more) and the rest of the config fit
    /// the coordinator's 16 MiB limit on a control request's body.
    /// </summary>
    public const int MaxInitBytes = 11 << 20;

    /// <summary>The linear model that learns <paramref name="task"/>: logistic regression for a binary label, softmax for more classes, linear regression for a number.</summary>
    public static ModelType LinearFor(LearningTask task) => task switch
    {
        LearningTask.BinaryClassification => ModelType.Logistic,
        LearningTask.MulticlassClassification => ModelType.Softmax,
        LearningTask.Regression => ModelType.Linear,
        _ => throw new ArgumentOutOfRangeException(nameof(task), task, "Unknown learning task."),
    };

    /// <summary>The hidden widths in force.</summary>
    [JsonIgnore]
    public IReadOnlyList<int> EffectiveHidden => Type == ModelType.Mlp ? Hidden ?? [200, 200] : [];
}
