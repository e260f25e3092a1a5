using System.Text.Json.Serialization;

namespace Causeway.Federation.Horizontal.Robust;

/// <summary>What a malicious virtual party does in a simulation (the <c>"attack.kind"</c> of a run configuration).</summary>
public enum AttackKind
{
    /// <summary>Trains honestly on flipped labels: y → 1 − y (binary), y → C − 1 − y (multiclass), y → −y (regression).</summary>
    [JsonStringEnumMemberName("label-flip")]
    LabelFlip,

    /// <summary>Trains honestly, then sends its delta multiplied by a factor (−10 reverses and boosts it).</summary>
    Scale,

    /// <summary>Sends Gaussian noise N(0, σ²) of the model's size instead of a delta.</summary>
    Random,
}
