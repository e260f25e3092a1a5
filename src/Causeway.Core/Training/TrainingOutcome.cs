using Causeway.Core.Tensors;

namespace Causeway.Core.Training;

/// <summary>The result of local training: the new parameters and what it took to get them.</summary>
/// <param name="Parameters">The trained parameters (owned by the caller).</param>
/// <param name="Examples">The number of training examples seen per epoch (the FedAvg weight).</param>
/// <param name="Steps">The number of optimizer steps taken.</param>
/// <param name="MeanLoss">The mean training loss over the last epoch.</param>
public sealed record TrainingOutcome(ParameterSet Parameters, int Examples, int Steps, double MeanLoss);
