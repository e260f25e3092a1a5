namespace Causeway.Core.Training;

public enum OptimizerKind
{
    /// <summary>Stochastic gradient descent with optional (heavy-ball) momentum.</summary>
    Sgd,

    /// <summary>Adam (Kingma and Ba 2015) with bias correction.</summary>
    Adam,
}
