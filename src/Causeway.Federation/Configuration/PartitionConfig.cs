using System.Text.Json.Serialization;

namespace Causeway.Federation.Configuration;

/// <summary>The <c>"partition"</c> section: how a simulation splits the training data into parties.</summary>
public sealed record PartitionConfig
{
    /// <summary>The number of virtual parties (≥ 1; not with scheme column). Default 10.</summary>
    public int? Parties { get; init; }

    /// <summary>The split. Default iid.</summary>
    public PartitionScheme Scheme { get; init; } = PartitionScheme.Iid;

    /// <summary>Dirichlet concentration &gt; 0 (dirichlet and quantity only; smaller is more skewed). Default 0.5.</summary>
    public double? Alpha { get; init; }

    /// <summary>The column whose values name the parties (column only, required there).</summary>
    public string? Column { get; init; }

    /// <summary>The number of parties in force for the schemes that take a count.</summary>
    [JsonIgnore]
    public int EffectiveParties => Parties ?? 10;

    /// <summary>The concentration in force.</summary>
    [JsonIgnore]
    public double EffectiveAlpha => Alpha ?? 0.5;
}
