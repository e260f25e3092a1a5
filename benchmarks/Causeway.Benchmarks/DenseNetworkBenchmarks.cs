using BenchmarkDotNet.Attributes;
using Causeway.Core.Data;
using Causeway.Core.Models;
using Causeway.Core.Tensors;

namespace Causeway.Benchmarks;

/// <summary>
/// <see cref="DenseNetwork.LossAndGradient"/> for one mini-batch: logistic regression with the encoded UCI Adult
/// width (105 inputs, B = 32) and the 784-200-200-10 MLP ("2NN" of McMahan et al. 2017) at B = 10 (FedAvg's batch)
/// and B = 600 (a FedSGD party's full batch). Synthetic inputs: the cost does not depend on the values.
/// </summary>
[MemoryDiagnoser]
public class DenseNetworkBenchmarks
{
    private DenseNetwork _network = null!;
    private ParameterSet _parameters = null!;
    private ParameterSet _gradient = null!;
    private TabularData _data = null!;
    private int[] _rows = [];
    private readonly Random _random = new(3);

    /// <summary>The model and batch: "lr-105/B32", "mlp-2nn/B10" or "mlp-2nn/B600".</summary>
    [Params("lr-105/B32", "mlp-2nn/B10", "mlp-2nn/B600")]
    public string Case { get; set; } = "lr-105/B32";

    [GlobalSetup]
    public void Setup()
    {
        var (spec, batch) = Case switch
        {
            "lr-105/B32" => (ModelSpec.LogisticRegression(105), 32),
            "mlp-2nn/B10" => (new ModelSpec(LearningTask.MulticlassClassification, 784, 10, [200, 200]), 10),
            "mlp-2nn/B600" => (new ModelSpec(LearningTask.MulticlassClassification, 784, 10, [200, 200]), 600),
            _ => throw new InvalidOperationException($"unknown case {Case}"),
        };
        var random = new Random(11);
        var features = new float[batch * spec.Inputs];
        for (var i = 0; i < features.Length; i++)
        {
            features[i] = (float)random.NextDouble();
        }

        var classes = spec.Outputs == 1 ? 2 : spec.Outputs;
        var labels = new float[batch];
        for (var i = 0; i < labels.Length; i++)
        {
            labels[i] = random.Next(classes);
        }

        _data = new TabularData(features, labels, spec.Inputs);
        _rows = [.. Enumerable.Range(0, batch)];
        _network = new DenseNetwork(spec);
        _parameters = _network.Initialize(5);
        _gradient = new ParameterSet(_network.Layout);
    }

    [Benchmark]
    public double LossAndGradient() => _network.LossAndGradient(_parameters, _data, _rows, _gradient, _random);
}
