using Causeway.Core.Data;
using Causeway.Core.Models;

namespace Causeway.Federation.Simulation;

/// <summary>The data a simulation splits into parties, already encoded (features and labels).</summary>
/// <param name="Train">All training rows; the partition deals them out to the virtual parties.</param>
/// <param name="Test">Rows the global model is evaluated on after rounds; null skips evaluation.</param>
/// <param name="Task">The learning task of the label.</param>
/// <param name="Outputs">The model's outputs: 1, or the number of classes for a multiclass task.</param>
/// <param name="PartitionKeys">
/// For the <c>column</c> partition scheme: the partition column's value for every training row (for example the
/// site id), in row order. Null otherwise.
/// </param>
public sealed record SimulationData(
    TabularData Train,
    TabularData? Test,
    LearningTask Task,
    int Outputs,
    IReadOnlyList<string>? PartitionKeys = null)
{
    /// <summary>The number of classes the partitioner sees: 2 for binary, Outputs for multiclass, 0 for regression.</summary>
    public int Classes => Task switch
    {
        LearningTask.BinaryClassification => 2,
        LearningTask.MulticlassClassification => Outputs,
        _ => 0,
    };
}
