using System.Numerics.Tensors;
using Causeway.Core.Data;
using Causeway.Core.Models;
using Causeway.Core.Tensors;

namespace Causeway.Core.Training;

/// <summary>A party's local training in one round: shuffled mini-batch epochs from the global model.</summary>
/// <remarks>
/// Each step minimises the mean batch loss plus (λ/2)·||w||² (weight decay λ) plus the FedProx term
/// (μ/2)·||w − w_start||² (Li et al. 2020), i.e. the optimizer sees <c>g + λ·w + μ·(w − w_start)</c>.
/// Weight decay applies to every parameter, biases included. The shuffle and dropout draw from one
/// <see cref="Random"/> seeded from <c>seed</c>, so a run is reproducible on one machine (float results may differ
/// across CPUs). The reported <see cref="TrainingOutcome.MeanLoss"/> is the data loss alone, without the two penalty terms.
/// </remarks>
public static class LocalTrainer
{
    /// <summary>
    /// Trains a copy of <paramref name="start"/> on <paramref name="data"/> for <c>plan.Epochs</c> epochs and
    /// returns it with the example count, the number of steps and the mean loss of the last epoch.
    /// </summary>
    /// <exception cref="ArgumentException">The plan is invalid, the data is empty or has the wrong width, or the layouts differ.</exception>
    public static TrainingOutcome Train(
        DenseNetwork network, ParameterSet start, TabularData data, TrainingPlan plan, ulong seed, CancellationToken cancellationToken = default) =>
        Run(network, start, data, plan, seed, epochsDone: null, cancellationToken);

    internal static TrainingOutcome Run(
        DenseNetwork network,
        ParameterSet start,
        TabularData data,
        TrainingPlan plan,
        ulong seed,
        IProgress<int>? epochsDone,
        CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(network);
        ArgumentNullException.ThrowIfNull(start);
        ArgumentNullException.ThrowIfNull(data);
        ArgumentNullException.ThrowIfNull(plan);
        plan.Validate();
        var mismatch = network.Layout.DescribeMismatch(start.Layout);
        if (mismatch is not null)
        {
            throw new ArgumentException($"The start parameters do not fit a {network.Spec.DisplayName}: {mismatch}.", nameof(start));
        }

        if (data.Columns != network.Spec.Inputs)
        {
            throw new ArgumentException($"The data has {data.Columns} columns but the model takes {network.Spec.Inputs} inputs.", nameof(data));
        }

        if (data.Rows == 0)
        {
            throw new ArgumentException("There are no examples to train on.", nameof(data));
        }

        var rows = data.Rows;
        var parameters = new ParameterSet(network.Layout, start.Values.ToArray());
        var gradient = new ParameterSet(network.Layout);
        var optimizer = Optimizers.Create(plan, network.Layout);
        var random = new Random(SplitMix64.DeriveInt32(seed));
        var order = new int[rows];
        for (var i = 0; i < rows; i++)
        {
            order[i] = i;
        }

        var batchSize = plan.BatchSize == 0 ? rows : Math.Min(plan.BatchSize, rows);
        var steps = 0;
        double lastEpochLoss = 0;
        for (var epoch = 0; epoch < plan.Epochs; epoch++)
        {
            random.Shuffle(order);
            double lossSum = 0;
            for (var first = 0; first < rows; first += batchSize)
            {
                cancellationToken.ThrowIfCancellationRequested();
                var batch = order.AsSpan(first, Math.Min(batchSize, rows - first));
                lossSum += network.LossAndGradient(parameters, data, batch, gradient, random) * batch.Length;
                AddRegularization(parameters, start, gradient, plan);
                optimizer.Step(parameters, gradient);
                steps++;
            }

            lastEpochLoss = lossSum / rows;
            epochsDone?.Report(epoch + 1);
        }

        return new TrainingOutcome(parameters, rows, steps, lastEpochLoss);
    }

    /// <summary>Effectively computes <c>g[i] += λ·w[i] + μ·(w[i] − start[i])</c>.</summary>
    private static void AddRegularization(ParameterSet parameters, ParameterSet start, ParameterSet gradient, TrainingPlan plan)
    {
        var pull = plan.WeightDecay + plan.ProximalMu;
        if (pull > 0)
        {
            TensorPrimitives.MultiplyAdd(parameters.Values, pull, gradient.Values, gradient.Values);
        }

        if (plan.ProximalMu > 0)
        {
            TensorPrimitives.MultiplyAdd(start.Values, -plan.ProximalMu, gradient.Values, gradient.Values);
        }
    }
}
