namespace Causeway.Federation.Horizontal;

/// <summary>The federated algorithms a <see cref="Strategy"/> can be built as.</summary>
public enum StrategyKind
{
    /// <summary>FedAvg (McMahan et al. 2017): weighted mean of deltas, server SGD with rate 1.</summary>
    FedAvg,

    /// <summary>FedSGD (McMahan et al. 2017): one full-batch gradient step per party per round, then FedAvg.</summary>
    FedSgd,

    /// <summary>FedProx (Li et al. 2020): FedAvg with a proximal term (mu/2)·||w − w_global||² in the local loss.</summary>
    FedProx,

    /// <summary>FedAvgM (Hsu et al. 2019): FedAvg with server momentum.</summary>
    FedAvgM,

    /// <summary>FedAdam (Reddi et al. 2021).</summary>
    FedAdam,

    /// <summary>FedYogi (Reddi et al. 2021).</summary>
    FedYogi,

    /// <summary>FedAdagrad (Reddi et al. 2021).</summary>
    FedAdagrad,
}
