using Causeway.Core.Tensors;

namespace Causeway.Federation.Horizontal;

/// <summary>Asks a party to score the given global parameters on its own held-out data.</summary>
public sealed record EvaluateTask(RoundInfo Round, ParameterSet Global);
