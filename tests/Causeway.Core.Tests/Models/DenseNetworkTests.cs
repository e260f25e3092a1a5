using Causeway.Core.Data;
using Causeway.Core.Models;
using Causeway.Core.Tensors;

namespace Causeway.Core.Tests.Models;

public sealed class DenseNetworkTests
{
    private static ModelSpec Spec(LearningTask task, int hiddenLayers, float dropout = 0f, int inputs = 3) => new(
        task,
        inputs,
        task == LearningTask.MulticlassClassification ? 4 : 1,
        hiddenLayers == 2 ? (inputs > 16 ? [19, 11] : [5, 4]) : hiddenLayers == 1 ? [6] : [],
        dropout);

    /// <summary>Initialised weights plus non-zero biases, so that every parameter's gradient is exercised.</summary>
    internal static ParameterSet RandomParameters(DenseNetwork network, int seed)
    {
        var parameters = network.Initialize((ulong)seed);
        var random = new Random(seed);
        for (var layer = 0; layer <= network.Spec.Hidden.Count; layer++)
        {
            foreach (ref var bias in parameters[$"layer{layer}.bias"])
            {
                bias = (float)((random.NextDouble() * 0.4) - 0.2);
            }
        }

        return parameters;
    }

    [Theory]
    [InlineData(LearningTask.BinaryClassification, 0)]
    [InlineData(LearningTask.MulticlassClassification, 0)]
    [InlineData(LearningTask.Regression, 0)]
    [InlineData(LearningTask.BinaryClassification, 2)]
    [InlineData(LearningTask.MulticlassClassification, 2)]
    [InlineData(LearningTask.Regression, 2)]
    [InlineData(LearningTask.MulticlassClassification, 2, 37)]
    [InlineData(LearningTask.BinaryClassification, 2, 37)]
    public void LossAndGradient_EveryParameter_MatchesCentralFiniteDifference(LearningTask task, int hiddenLayers, int inputs = 3)
    {
        // 37 inputs and widths 19, 11 run the vectorised paths of the kernels plus their remainders.
        var network = new DenseNetwork(Spec(task, hiddenLayers, inputs: inputs));
        AssertGradientMatchesFiniteDifferences(network, RandomParameters(network, 5), seed: 11);
    }

    [Fact]
    public void LossAndGradient_WithDropoutAndFixedRandom_MatchesCentralFiniteDifference()
    {
        // The same Random seed draws the same masks, so the loss is a fixed function of the parameters.
        var network = new DenseNetwork(Spec(LearningTask.MulticlassClassification, 2, dropout: 0.3f));
        AssertGradientMatchesFiniteDifferences(network, RandomParameters(network, 6), seed: 12);
    }

    private static void AssertGradientMatchesFiniteDifferences(DenseNetwork network, ParameterSet parameters, int seed)
    {
        // Arrange
        var data = Synthetic.Random(network.Spec, 9, seed);
        int[] rows = [0, 2, 3, 5, 7, 8, 1, 1];
        var gradient = new ParameterSet(network.Layout);
        var scratch = new ParameterSet(network.Layout);
        const float Step = 3e-3f;

        // Act
        network.LossAndGradient(parameters, data, rows, gradient, new Random(seed));

        // Assert
        var worst = 0.0;
        for (var i = 0; i < parameters.Length; i++)
        {
            var original = parameters.Values[i];
            var plus = original + Step;
            var minus = original - Step;
            parameters.Values[i] = plus;
            var lossPlus = network.LossAndGradient(parameters, data, rows, scratch, new Random(seed));
            parameters.Values[i] = minus;
            var lossMinus = network.LossAndGradient(parameters, data, rows, scratch, new Random(seed));
            parameters.Values[i] = original;

            var numeric = (lossPlus - lossMinus) / ((double)plus - minus);
            var error = Math.Abs(numeric - gradient.Values[i]);
            worst = Math.Max(worst, error);
            Assert.True(
                error <= 1e-3 + (1e-2 * Math.Abs(numeric)),
                $"parameter {i}: backprop {gradient.Values[i]}, finite difference {numeric}");
        }

        Assert.True(worst < 1e-3, $"worst error {worst}");
        Assert.True(gradient.L2Norm() > 1e-3, "the gradient should not vanish at random parameters");
    }

    [Theory]
    [InlineData(LearningTask.BinaryClassification)]
    [InlineData(LearningTask.MulticlassClassification)]
    [InlineData(LearningTask.Regression)]
    public void Predict_MoreRowsThanOneChunk_MatchesNaiveReference(LearningTask task)
    {
        // Arrange
        var network = new DenseNetwork(Spec(task, 2, dropout: 0.5f, inputs: 37));
        var parameters = RandomParameters(network, 21);
        var rows = DenseNetwork.ChunkRows + 44;
        var data = Synthetic.Random(network.Spec, rows, 22);
        var outputs = new float[rows * network.Spec.Outputs];

        // Act
        network.Predict(parameters, data.Features, rows, outputs);

        // Assert
        for (var r = 0; r < rows; r++)
        {
            var expected = NaiveNetwork.Outputs(network.Spec, parameters, data.Row(r));
            for (var k = 0; k < expected.Length; k++)
            {
                Assert.Equal(expected[k], outputs[(r * expected.Length) + k], 1e-5);
            }
        }
    }

    [Theory]
    [InlineData(1)]
    [InlineData(2)]
    public void Embed_MoreRowsThanOneChunk_IsTheLastHiddenLayerOfTheNaiveReference(int hiddenLayers)
    {
        var network = new DenseNetwork(Spec(LearningTask.MulticlassClassification, hiddenLayers, dropout: 0.5f, inputs: 19));
        var parameters = RandomParameters(network, 31);
        var rows = DenseNetwork.ChunkRows + 9;
        var data = Synthetic.Random(network.Spec, rows, 32);
        var embeddings = new float[rows * network.EmbeddingWidth];

        network.Embed(parameters, data.Features, rows, embeddings);

        Assert.Equal(network.Spec.Hidden[^1], network.EmbeddingWidth);
        for (var r = 0; r < rows; r++)
        {
            var expected = NaiveNetwork.Embedding(network.Spec, parameters, data.Row(r));
            for (var k = 0; k < expected.Length; k++)
            {
                Assert.Equal(expected[k], embeddings[(r * expected.Length) + k], 1e-5);
            }
        }

        Assert.Contains(embeddings, e => e > 0);
    }

    [Fact]
    public void Embed_ANetworkWithoutHiddenLayers_IsRefused()
    {
        var network = new DenseNetwork(Spec(LearningTask.BinaryClassification, 0));
        var refused = Assert.Throws<InvalidOperationException>(() => network.Embed(network.Initialize(1), new float[network.Spec.Inputs], 1, new float[1]));
        Assert.Contains("no embedding", refused.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(LearningTask.BinaryClassification)]
    [InlineData(LearningTask.MulticlassClassification)]
    [InlineData(LearningTask.Regression)]
    public void LossAndGradient_MoreRowsThanOneChunk_MeanLossMatchesNaiveReference(LearningTask task)
    {
        // Arrange
        var network = new DenseNetwork(Spec(task, 1, inputs: 5));
        var parameters = RandomParameters(network, 31);
        var data = Synthetic.Random(network.Spec, 600, 32);
        var rows = Enumerable.Range(0, 600).Reverse().ToArray();
        var expected = Enumerable.Range(0, 600).Average(r => NaiveNetwork.Loss(network.Spec, parameters, data.Row(r), data.Labels[r]));

        // Act
        var loss = network.LossAndGradient(parameters, data, rows, new ParameterSet(network.Layout), new Random(1));

        // Assert
        Assert.Equal(expected, loss, 1e-5 * Math.Max(1, expected));
    }

    [Fact]
    public void LossAndGradient_ChunkedRows_EqualsWeightedSumOfHalves()
    {
        // Arrange
        var network = new DenseNetwork(Spec(LearningTask.MulticlassClassification, 2, inputs: 5));
        var parameters = RandomParameters(network, 41);
        var data = Synthetic.Random(network.Spec, 600, 42);
        var all = Enumerable.Range(0, 600).ToArray();
        var whole = new ParameterSet(network.Layout);
        var first = new ParameterSet(network.Layout);
        var second = new ParameterSet(network.Layout);

        // Act
        var loss = network.LossAndGradient(parameters, data, all, whole, new Random(1));
        var lossFirst = network.LossAndGradient(parameters, data, all.AsSpan(0, 200), first, new Random(1));
        var lossSecond = network.LossAndGradient(parameters, data, all.AsSpan(200), second, new Random(1));

        // Assert
        Assert.Equal((lossFirst + (2 * lossSecond)) / 3, loss, 1e-6);
        for (var i = 0; i < whole.Length; i++)
        {
            Assert.Equal((first.Values[i] + (2 * second.Values[i])) / 3, whole.Values[i], 1e-5);
        }
    }

    [Fact]
    public void LossAndGradient_HugeLogitOnWrongClass_LossIsFiniteAndExact()
    {
        // Arrange: logistic regression with z = 50·4 = 200 on a row labelled 0.
        var network = new DenseNetwork(ModelSpec.LogisticRegression(1));
        var parameters = new ParameterSet(network.Layout, [50f, 0f]);
        var data = new TabularData([4f], [0f], 1);
        var gradient = new ParameterSet(network.Layout);

        // Act
        var loss = network.LossAndGradient(parameters, data, [0], gradient, new Random(1));

        // Assert: loss = log(1 + e^200) ≈ 200; ∂/∂w = (σ(z) − y)·x = 4, ∂/∂b = 1.
        Assert.Equal(200, loss, 1e-9);
        Assert.Equal([4f, 1f], gradient.Values.ToArray());
    }

    [Fact]
    public void LossAndGradient_HugeSoftmaxLogits_LossIsFiniteAndExact()
    {
        // Arrange: logits (1000, 0) via the biases, label 1.
        var network = new DenseNetwork(ModelSpec.SoftmaxRegression(1, 2));
        var parameters = new ParameterSet(network.Layout, [0f, 0f, 1000f, 0f]);
        var data = new TabularData([1f], [1f], 1);
        var gradient = new ParameterSet(network.Layout);

        // Act
        var loss = network.LossAndGradient(parameters, data, [0], gradient, new Random(1));

        // Assert: −log softmax_1 = 1000; ∂/∂z = softmax − onehot = (1, −1).
        Assert.Equal(1000, loss, 1e-9);
        Assert.Equal([1f, -1f, 1f, -1f], gradient.Values.ToArray());
    }

    [Fact]
    public void LossAndGradient_LabelNotAClassIndex_Throws()
    {
        var network = new DenseNetwork(ModelSpec.SoftmaxRegression(1, 3));
        var data = new TabularData([1f], [3f], 1);

        var error = Assert.Throws<ArgumentException>(() =>
            network.LossAndGradient(network.Initialize(1), data, [0], new ParameterSet(network.Layout), new Random(1)));
        Assert.Contains("Label 3", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void LossAndGradient_DataWithWrongWidth_Throws()
    {
        var network = new DenseNetwork(ModelSpec.LogisticRegression(2));
        var data = new TabularData([1f, 2f, 3f], [1f], 3);

        Assert.Throws<ArgumentException>(() =>
            network.LossAndGradient(network.Initialize(1), data, [0], new ParameterSet(network.Layout), new Random(1)));
    }

    [Fact]
    public void Layout_Mlp_NamesAndShapesInLayerOrder()
    {
        var network = new DenseNetwork(new ModelSpec(LearningTask.MulticlassClassification, 784, 10, [200, 100]));

        Assert.Equal(
            "layer0.weight[200x784], layer0.bias[200], layer1.weight[100x200], layer1.bias[100], layer2.weight[10x100], layer2.bias[10]",
            network.Layout.ToString());
        Assert.Equal((784 * 200) + 200 + (200 * 100) + 100 + (100 * 10) + 10, network.Layout.TotalLength);
    }

    [Fact]
    public void Initialize_SameSeed_BitIdentical()
    {
        var network = new DenseNetwork(Spec(LearningTask.MulticlassClassification, 2));

        var a = network.Initialize(99);
        var b = network.Initialize(99);
        var c = network.Initialize(100);

        Assert.Equal(a.Values.ToArray(), b.Values.ToArray());
        Assert.NotEqual(a.Values.ToArray(), c.Values.ToArray());
    }

    [Fact]
    public void Initialize_Mlp_HeForHiddenGlorotForHeadZeroBiases()
    {
        // Arrange
        var network = new DenseNetwork(new ModelSpec(LearningTask.MulticlassClassification, 50, 10, [40]));

        // Act
        var parameters = network.Initialize(7);

        // Assert: uniform on [−l, l) fills most of the interval and never leaves it.
        AssertUniform(parameters["layer0.weight"], Math.Sqrt(6.0 / 50));
        AssertUniform(parameters["layer1.weight"], Math.Sqrt(6.0 / (40 + 10)));
        Assert.All(parameters["layer0.bias"].ToArray(), b => Assert.Equal(0f, b));
        Assert.All(parameters["layer1.bias"].ToArray(), b => Assert.Equal(0f, b));
    }

    private static void AssertUniform(ReadOnlySpan<float> values, double limit)
    {
        var max = 0.0;
        double sum = 0;
        foreach (var value in values)
        {
            Assert.InRange(value, -limit, limit);
            max = Math.Max(max, Math.Abs(value));
            sum += value;
        }

        Assert.True(max > 0.95 * limit, $"largest |w| {max} should approach the limit {limit}");
        Assert.True(Math.Abs(sum / values.Length) < 0.1 * limit, "the mean should be near 0");
    }
    [Fact]
    public void LossAndGradient_WarmNetwork_AllocatesNothing()
    {
        // Arrange
        var network = new DenseNetwork(new ModelSpec(LearningTask.MulticlassClassification, 20, 4, [16, 8], dropout: 0.2f));
        var parameters = network.Initialize(1);
        var data = Synthetic.Random(network.Spec, 300, 2);
        var rows = Enumerable.Range(0, 300).ToArray();
        var gradient = new ParameterSet(network.Layout);
        var random = new Random(3);
        var outputs = new float[300 * 4];
        network.LossAndGradient(parameters, data, rows, gradient, random);
        network.Predict(parameters, data.Features, 300, outputs);

        // Act
        var before = GC.GetAllocatedBytesForCurrentThread();
        for (var i = 0; i < 100; i++)
        {
            network.LossAndGradient(parameters, data, rows, gradient, random);
            network.LossAndGradient(parameters, data, rows.AsSpan(0, 32), gradient, random);
            network.Predict(parameters, data.Features, 300, outputs);
        }

        var allocated = GC.GetAllocatedBytesForCurrentThread() - before;

        // Assert: even a 24-byte allocation per call would add up to 7 kB over 300 calls; the bound
        // leaves room only for one-off runtime allocations (tiered JIT, OSR), which CI has shown.
        Assert.True(allocated < 4096, $"allocated {allocated} bytes over 300 calls");
    }

    [Fact]
    public void LossAndGradient_Dropout_MasksDependOnTheRandomOnly()
    {
        var network = new DenseNetwork(Spec(LearningTask.Regression, 2, dropout: 0.5f, inputs: 37));
        var parameters = RandomParameters(network, 3);
        var data = Synthetic.Random(network.Spec, 40, 4);
        var rows = Enumerable.Range(0, 40).ToArray();
        var gradient = new ParameterSet(network.Layout);

        var a = network.LossAndGradient(parameters, data, rows, gradient, new Random(5));
        var b = network.LossAndGradient(parameters, data, rows, gradient, new Random(5));
        var c = network.LossAndGradient(parameters, data, rows, gradient, new Random(6));

        Assert.Equal(a, b);
        Assert.NotEqual(a, c);
    }
}
