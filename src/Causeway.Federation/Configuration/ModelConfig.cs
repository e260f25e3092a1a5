using System.Text.Json.Serialization;

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

    /// <summary>The hidden widths in force.</summary>
    [JsonIgnore]
    public IReadOnlyList<int> EffectiveHidden => Type == ModelType.Mlp ? Hidden ?? [200, 200] : [];
}
