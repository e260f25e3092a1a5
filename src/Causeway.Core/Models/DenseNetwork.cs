using System.Diagnostics;
using Causeway.Core.Data;
using Causeway.Core.Tensors;

namespace Causeway.Core.Models;

/// <summary>
/// A fully connected network described by a <see cref="ModelSpec"/>: dense layers with ReLU between them
/// and an output head (sigmoid, softmax or identity) chosen by the task.
/// </summary>
/// <remarks>
/// <para>
/// Layer i computes <c>z = W·x + b</c> with <c>W</c> of shape [out, in]; hidden layers apply ReLU and, while
/// training with <see cref="ModelSpec.Dropout"/> p &gt; 0, inverted dropout (each unit kept with probability
/// 1 − p and scaled by 1/(1 − p); Srivastava et al. 2014). Losses: binary cross-entropy on the logit
/// (<c>max(z,0) − y·z + log(1 + e^−|z|)</c>), softmax cross-entropy via log-sum-exp, and half the squared
/// error for regression.
/// </para>
/// <para>
/// An instance owns reusable scratch buffers, so it is <b>not thread-safe</b>: create one network per
/// thread (construction is cheap; the buffers grow on first use). Rows are processed in chunks of at most
/// <see cref="ChunkRows"/>, so a full-batch gradient over a large dataset needs no large scratch.
/// </para>
/// </remarks>
public sealed partial class DenseNetwork
{
    /// <summary>The most rows one forward/backward pass holds in scratch at once.</summary>
    internal const int ChunkRows = 64;

    // _widths[0] is the input width, _widths[LayerCount] the output width.
    private readonly int[] _widths;
    private readonly Range[] _weightRanges;
    private readonly Range[] _biasRanges;

    public DenseNetwork(ModelSpec spec)
    {
        ArgumentNullException.ThrowIfNull(spec);
        Spec = spec;
        Layout = CreateLayout(spec);
        var layers = spec.Hidden.Count + 1;
        _widths = new int[layers + 1];
        _widths[0] = spec.Inputs;
        for (var i = 0; i < spec.Hidden.Count; i++)
        {
            _widths[i + 1] = spec.Hidden[i];
        }

        _widths[layers] = spec.Outputs;
        _weightRanges = new Range[layers];
        _biasRanges = new Range[layers];
        for (var i = 0; i < layers; i++)
        {
            _weightRanges[i] = Layout.RangeOf(WeightName(i));
            _biasRanges[i] = Layout.RangeOf(BiasName(i));
        }

        _activations = new float[layers + 1][];
        _masks = new float[layers][];
        _deltas = new float[layers][];
    }

    public ModelSpec Spec { get; }

    public ParameterLayout Layout { get; }

    private int LayerCount => _weightRanges.Length;

    /// <summary>
    /// The layout a network of this architecture uses: <c>layer{i}.weight</c> [out, in] then <c>layer{i}.bias</c> [out]
    /// for every layer, input side first.
    /// </summary>
    public static ParameterLayout CreateLayout(ModelSpec spec)
    {
        ArgumentNullException.ThrowIfNull(spec);
        var tensors = new List<TensorSpec>((spec.Hidden.Count + 1) * 2);
        var fanIn = spec.Inputs;
        for (var i = 0; i <= spec.Hidden.Count; i++)
        {
            var fanOut = i < spec.Hidden.Count ? spec.Hidden[i] : spec.Outputs;
            tensors.Add(new TensorSpec(WeightName(i), [fanOut, fanIn]));
            tensors.Add(new TensorSpec(BiasName(i), [fanOut]));
            fanIn = fanOut;
        }

        return new ParameterLayout(tensors);
    }

    /// <summary>Seeded initialisation (He-uniform for ReLU layers, Glorot-uniform for the head; biases 0).</summary>
    /// <remarks>
    /// Weights are drawn uniformly from [−l, l) with l = √(6 / fan_in) for layers followed by ReLU (He et al. 2015)
    /// and l = √(6 / (fan_in + fan_out)) for the head (Glorot and Bengio 2010). The draws come from SplitMix64 seeded
    /// with <paramref name="seed"/>, so one seed gives bit-identical parameters on every machine and runtime.
    /// </remarks>
    public ParameterSet Initialize(ulong seed)
    {
        var parameters = new ParameterSet(Layout);
        var random = new SplitMix64(seed);
        for (var layer = 0; layer < LayerCount; layer++)
        {
            int fanIn = _widths[layer], fanOut = _widths[layer + 1];
            var limit = layer < LayerCount - 1 ? Math.Sqrt(6.0 / fanIn) : Math.Sqrt(6.0 / (fanIn + fanOut));
            foreach (ref var weight in parameters.Values[_weightRanges[layer]])
            {
                weight = (float)(((random.NextDouble() * 2) - 1) * limit);
            }
        }

        return parameters;
    }

    /// <summary>
    /// Writes the head's outputs for <paramref name="rows"/> rows of row-major <paramref name="features"/>
    /// into <paramref name="outputs"/> (rows x Spec.Outputs): probabilities for classification, values for regression.
    /// </summary>
    /// <remarks>Dropout is never applied here.</remarks>
    public void Predict(ParameterSet parameters, ReadOnlySpan<float> features, int rows, Span<float> outputs)
    {
        RequireLayout(parameters);
        ArgumentOutOfRangeException.ThrowIfNegative(rows);
        if (features.Length != (long)rows * Spec.Inputs)
        {
            throw new ArgumentException(
                $"{rows} rows x {Spec.Inputs} inputs needs {(long)rows * Spec.Inputs} feature values, got {features.Length}.",
                nameof(features));
        }

        if (outputs.Length < (long)rows * Spec.Outputs)
        {
            throw new ArgumentException(
                $"{rows} rows x {Spec.Outputs} outputs needs room for {(long)rows * Spec.Outputs} values, got {outputs.Length}.",
                nameof(outputs));
        }

        var inputs = Spec.Inputs;
        var width = Spec.Outputs;
        for (var start = 0; start < rows; start += ChunkRows)
        {
            var count = Math.Min(ChunkRows, rows - start);
            EnsureCapacity(count);
            Forward(parameters.Values, features.Slice(start * inputs, count * inputs), count, random: null);
            var logits = _activations[LayerCount].AsSpan(0, count * width);
            var destination = outputs.Slice(start * width, count * width);
            ApplyHead(logits, count, destination);
        }
    }

    /// <summary>The width of <see cref="Embed"/>'s vectors: the last hidden layer's; 0 for a network without one.</summary>
    public int EmbeddingWidth => Spec.EmbeddingWidth;

    /// <summary>
    /// Writes the last hidden layer's activations (after ReLU) for <paramref name="rows"/> rows of row-major
    /// <paramref name="features"/> into <paramref name="embeddings"/> (rows x <see cref="EmbeddingWidth"/>): the
    /// representation the head classifies, used as the network's embedding of a row (docs/vectors.md, "Encoders").
    /// </summary>
    /// <remarks>Dropout is never applied here.</remarks>
    /// <exception cref="InvalidOperationException">The network has no hidden layer.</exception>
    public void Embed(ParameterSet parameters, ReadOnlySpan<float> features, int rows, Span<float> embeddings)
    {
        RequireLayout(parameters);
        ArgumentOutOfRangeException.ThrowIfNegative(rows);
        var width = EmbeddingWidth;
        if (width == 0)
        {
            throw new InvalidOperationException("a network without hidden layers has no embedding: give the model spec at least one hidden layer");
        }

        var inputs = Spec.Inputs;
        if (features.Length != (long)rows * inputs || embeddings.Length < (long)rows * width)
        {
            throw new ArgumentException(
                $"{rows} rows need {(long)rows * inputs} feature values and room for {(long)rows * width} embedding values; got {features.Length} and {embeddings.Length}.",
                nameof(features));
        }

        for (var start = 0; start < rows; start += ChunkRows)
        {
            var count = Math.Min(ChunkRows, rows - start);
            EnsureCapacity(count);
            Forward(parameters.Values, features.Slice(start * inputs, count * inputs), count, random: null);
            _activations[LayerCount - 1].AsSpan(0, count * width).CopyTo(embeddings.Slice(start * width, count * width));
        }
    }

    /// <summary>
    /// The mean loss over the given rows of <paramref name="data"/>, and its gradient written into
    /// <paramref name="gradient"/> (overwritten, same layout). Dropout, when the spec has it, draws from <paramref name="random"/>.
    /// </summary>
    /// <remarks>
    /// Effectively computes L = (1/n)·Σ_r loss(f(x_r), y_r) over the n listed rows and ∂L/∂θ by backpropagation.
    /// Labels are class indices 0..K−1 for multiclass, 0 or 1 (any value in [0, 1] works) for binary, targets for regression.
    /// </remarks>
    public double LossAndGradient(ParameterSet parameters, TabularData data, ReadOnlySpan<int> rows, ParameterSet gradient, Random random)
    {
        RequireBatch(parameters, data, rows, random);
        RequireLayout(gradient);
        gradient.Values.Clear();
        var scale = 1f / rows.Length;
        var dropout = Spec.Dropout > 0 ? random : null;
        double lossSum = 0;
        for (var start = 0; start < rows.Length; start += ChunkRows)
        {
            var chunk = rows.Slice(start, Math.Min(ChunkRows, rows.Length - start));
            var input = GatherAndForward(parameters.Values, data, chunk, dropout);
            lossSum += HeadLossAndDelta(chunk.Length, scale);
            PropagateDeltas(parameters.Values, chunk.Length);
            AccumulateGradient(input, chunk.Length, gradient.Values);
        }

        return lossSum / rows.Length;
    }

    private static string WeightName(int layer) => $"layer{layer}.weight";

    private static string BiasName(int layer) => $"layer{layer}.bias";

    private void RequireLayout(ParameterSet parameters)
    {
        ArgumentNullException.ThrowIfNull(parameters);
        if (!ReferenceEquals(parameters.Layout, Layout) && !parameters.Layout.Equals(Layout))
        {
            throw new ArgumentException(
                $"The parameters do not fit a {Spec.DisplayName}: {Layout.DescribeMismatch(parameters.Layout)}.", nameof(parameters));
        }
    }

    private void RequireBatch(ParameterSet parameters, TabularData data, ReadOnlySpan<int> rows, Random random)
    {
        RequireLayout(parameters);
        ArgumentNullException.ThrowIfNull(data);
        ArgumentNullException.ThrowIfNull(random);
        if (data.Columns != Spec.Inputs)
        {
            throw new ArgumentException($"The data has {data.Columns} columns but the model takes {Spec.Inputs} inputs.", nameof(data));
        }

        if (rows.IsEmpty)
        {
            throw new ArgumentException("At least one row is needed to compute a loss.", nameof(rows));
        }
    }

    /// <summary>Gathers <paramref name="chunk"/> into scratch and runs the forward pass over it; returns the gathered input.</summary>
    private ReadOnlySpan<float> GatherAndForward(ReadOnlySpan<float> parameters, TabularData data, ReadOnlySpan<int> chunk, Random? dropout)
    {
        EnsureCapacity(chunk.Length);
        Gather(data, chunk);
        var input = _activations[0].AsSpan(0, chunk.Length * Spec.Inputs);
        Forward(parameters, input, chunk.Length, dropout);
        return input;
    }

    private void Gather(TabularData data, ReadOnlySpan<int> rows)
    {
        Debug.Assert(rows.Length <= _capacity, "EnsureCapacity runs before Gather.");
        var columns = Spec.Inputs;
        var batch = _activations[0].AsSpan();
        for (var i = 0; i < rows.Length; i++)
        {
            data.Row(rows[i]).CopyTo(batch.Slice(i * columns, columns));
            _labels[i] = data.Labels[rows[i]];
        }
    }
}
