using Causeway.Core.Data;
using Causeway.Core.Metrics;
using Causeway.Core.Models;
using Causeway.Core.Tensors;

namespace Causeway.Federation.Horizontal;

/// <summary>
/// Evaluates the global model on a test set held by the coordinator's process: for simulations and demos, where
/// one process holds all the data. A real federation uses <see cref="FederatedEvaluator"/>.
/// </summary>
public sealed class CentralEvaluator : IGlobalEvaluator
{
    private readonly Lock _gate = new();
    private readonly DenseNetwork _network;
    private readonly TabularData _test;

    public CentralEvaluator(ModelSpec spec, TabularData test)
    {
        ArgumentNullException.ThrowIfNull(spec);
        ArgumentNullException.ThrowIfNull(test);
        if (test.Columns != spec.Inputs)
        {
            throw new ArgumentException($"The test data has {test.Columns} columns but the model takes {spec.Inputs} inputs.", nameof(test));
        }

        if (test.Rows == 0)
        {
            throw new ArgumentException("The test data is empty.", nameof(test));
        }

        _network = new DenseNetwork(spec);
        _test = test;
    }

    public Task<GlobalEvaluation?> EvaluateAsync(ParameterSet global, RoundInfo round, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(global);
        cancellationToken.ThrowIfCancellationRequested();

        // The network's scratch buffers are not thread-safe; evaluations are rare, so a lock is enough.
        lock (_gate)
        {
            return Task.FromResult<GlobalEvaluation?>(new GlobalEvaluation(ModelEvaluator.Evaluate(_network, global, _test), []));
        }
    }
}
