using System.Numerics.Tensors;
using Causeway.Core.Data;
using Causeway.Core.Models;
using Causeway.Core.Tensors;

namespace Causeway.Core.Training;

/// <summary>A party's local training in one round: shuffled mini-batch epochs from the global model.</summary>
/// <remarks>
/// <para>
/// Each step minimises the mean batch loss plus (λ/2)·||w||² (weight decay λ) plus the FedProx term
/// (μ/2)·||w − w_start||² (Li et al. 2020), i.e. the optimizer sees <c>g + λ·w + μ·(w − w_start)</c>.
/// Weight decay applies to every parameter, biases included. Frozen layers (<see cref="TrainingPlan.FrozenLayers"/>) get a
/// zero gradient after both terms, so no optimizer moves them. The shuffle and dropout draw from one
/// <see cref="Random"/> seeded from <c>seed</c>, so a run is reproducible on one machine (float results may differ
/// across CPUs). The reported <see cref="TrainingOutcome.MeanLoss"/> is the data loss alone, without the two penalty terms.
/// </para>
/// <para>
/// With <see cref="TrainingPlan.DpSgd"/> the data gradient g is replaced by DP-SGD's
/// <c>(Σ_i min(1, C/‖g_i‖)·g_i + N(0, σ²C²·I)) / B</c> over the batch's examples i, where B is the nominal batch size
/// min(<see cref="TrainingPlan.BatchSize"/>, n) (n for a full batch) on every step, including the smaller last batch
/// of an epoch: dividing by the expected rather than the actual batch size keeps one example's influence on a step
/// at most C/B. The noise comes from the caller's <see cref="IPrivateRandomness"/>, never from <c>seed</c>, and so does
/// the shuffle the batches are cut from whenever noise is added (see <see cref="IPrivateRandomness"/> for why); dropout
/// still draws from <c>seed</c>, as clipping bounds every example's gradient whatever the masks. Note that
/// <see cref="TrainingOutcome.MeanLoss"/> and <see cref="TrainingOutcome.Examples"/> are computed from the data
/// without noise: DP-SGD protects the parameters, not these two numbers.
/// </para>
/// </remarks>
public static class LocalTrainer
{
    /// <summary>
    /// Trains a copy of <paramref name="start"/> on <paramref name="data"/> for <c>plan.Epochs</c> epochs and
    /// returns it with the example count, the number of steps and the mean loss of the last epoch.
    /// </summary>
    /// <exception cref="ArgumentException">
    /// The plan is invalid or asks for DP-SGD noise (which needs the overload with a noise source), the data is empty
    /// or has the wrong width, or the layouts differ.
    /// </exception>
    public static TrainingOutcome Train(
        DenseNetwork network, ParameterSet start, TabularData data, TrainingPlan plan, ulong seed, CancellationToken cancellationToken = default) =>
        Run(network, start, data, plan, seed, privateRandomness: null, epochsDone: null, cancellationToken);

    /// <summary>
    /// Trains like <see cref="Train(DenseNetwork, ParameterSet, TabularData, TrainingPlan, ulong, CancellationToken)"/>,
    /// drawing the DP-SGD noise of <c>plan.DpSgd</c> and the shuffle from <paramref name="privateRandomness"/>.
    /// </summary>
    /// <param name="network">Scratch network of the model's architecture.</param>
    /// <param name="start">The parameters to start from (left unchanged).</param>
    /// <param name="data">The local training examples.</param>
    /// <param name="plan">The plan; DP-SGD with a noise multiplier above 0 needs <paramref name="privateRandomness"/>.</param>
    /// <param name="seed">Seeds dropout, and the shuffle unless the plan adds noise.</param>
    /// <param name="privateRandomness">A source the coordinator cannot predict; null only when the plan adds no noise.</param>
    /// <param name="cancellationToken">Checked before every step.</param>
    /// <exception cref="ArgumentException">As the other overload, or the plan adds noise and <paramref name="privateRandomness"/> is null.</exception>
    public static TrainingOutcome Train(
        DenseNetwork network,
        ParameterSet start,
        TabularData data,
        TrainingPlan plan,
        ulong seed,
        IPrivateRandomness? privateRandomness,
        CancellationToken cancellationToken = default) =>
        Run(network, start, data, plan, seed, privateRandomness, epochsDone: null, cancellationToken);

    internal static TrainingOutcome Run(
        DenseNetwork network,
        ParameterSet start,
        TabularData data,
        TrainingPlan plan,
        ulong seed,
        IPrivateRandomness? privateRandomness,
        IProgress<int>? epochsDone,
        CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(network);
        ArgumentNullException.ThrowIfNull(start);
        ArgumentNullException.ThrowIfNull(data);
        ArgumentNullException.ThrowIfNull(plan);
        plan.Validate();
        var secret = plan.DpSgd is { NoiseMultiplier: > 0 }
            ? privateRandomness ?? throw new ArgumentException(
                "The plan asks for DP-SGD noise but no private randomness (noise source) was given.", nameof(privateRandomness))
            : null;
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

        var frozen = LayerSharing.Of(network.Layout, plan)?.FrozenElements ?? default;
        var batchSize = plan.BatchSize == 0 ? rows : Math.Min(plan.BatchSize, rows);
        var steps = 0;
        double lastEpochLoss = 0;
        for (var epoch = 0; epoch < plan.Epochs; epoch++)
        {
            if (secret is not null)
            {
                secret.Shuffle(order);
            }
            else
            {
                random.Shuffle(order);
            }

            double lossSum = 0;
            for (var first = 0; first < rows; first += batchSize)
            {
                cancellationToken.ThrowIfCancellationRequested();
                var batch = order.AsSpan(first, Math.Min(batchSize, rows - first));
                if (plan.DpSgd is { } dp)
                {
                    // (Σ clipped + N(0, σ²C²)) / B, the division applied to both terms separately.
                    lossSum += network.LossAndClippedGradient(parameters, data, batch, dp.ClipNorm, 1f / batchSize, gradient, random) * batch.Length;
                    secret?.AddGaussianNoise(gradient.Values, dp.NoiseMultiplier * dp.ClipNorm / batchSize);
                }
                else
                {
                    lossSum += network.LossAndGradient(parameters, data, batch, gradient, random) * batch.Length;
                }

                AddRegularization(parameters, start, gradient, plan);
                gradient.Values[frozen].Clear();
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
