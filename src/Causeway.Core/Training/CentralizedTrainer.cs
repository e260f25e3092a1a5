using Causeway.Core.Data;
using Causeway.Core.Models;
using Causeway.Core.Tensors;

namespace Causeway.Core.Training;

/// <summary>
/// The centralized reference: one model trained on all the data in one place, the baseline a federated
/// run is compared against.
/// </summary>
public static class CentralizedTrainer
{
    /// <summary>
    /// Initialises the network from <paramref name="seed"/> and trains it for <c>plan.Epochs</c> epochs,
    /// reporting the number of finished epochs after each one. The FedProx term is ignored (there is no global model),
    /// and so is DP-SGD: the reference is the non-private model the federation's privacy is measured against.
    /// </summary>
    public static ParameterSet Train(
        DenseNetwork network,
        TabularData train,
        TrainingPlan plan,
        ulong seed,
        IProgress<int>? epochsDone = null,
        CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(network);
        ArgumentNullException.ThrowIfNull(plan);
        var start = network.Initialize(seed);
        var outcome = LocalTrainer.Run(network, start, train, plan with { ProximalMu = 0, DpSgd = null }, seed, privateRandomness: null, epochsDone, cancellationToken);
        return outcome.Parameters;
    }
}
