using Causeway.Core.Data;
using Causeway.Core.Models;
using Causeway.Core.Serialization;
using Causeway.Onnx.Proto;
using Google.Protobuf;

namespace Causeway.Onnx;

/// <summary>
/// Writes a trained model as a standard ONNX graph (docs/model-format.md, "ONNX") with its feature pipeline inside, so
/// any serving stack feeds it raw columns and gets what <c>causeway predict</c> gives.
/// </summary>
/// <remarks>
/// <para>
/// <b>Inputs:</b> one per schema column except the label, id and ignored columns, named as the column, shape [N, 1]:
/// float for a numeric column (NaN for a missing cell), string for a categorical one (matched exactly against the
/// schema's categories; a missing or unknown value gives all-zero one-hot features).
/// </para>
/// <para>
/// <b>Pipeline</b>, per column in schema order, as <see cref="FeatureEncoder"/> does it: a numeric cell is first
/// imputed by its missing-value policy (0 for <c>impute-zero</c>, the <c>fill</c> value for <c>impute-constant</c>,
/// otherwise the federation mean, where <c>causeway predict</c> would refuse the row), then scaled
/// ((x − shift) / scale: standard, min-max or none) or binned (one-hot of the number of bin edges ≤ x; all zero when
/// missing), then followed by its missing indicator when the schema asks for one. A categorical cell becomes its
/// one-hot vector (ai.onnx.ml LabelEncoder, then Equal against 0..K−1).
/// </para>
/// <para>
/// <b>Network:</b> Gemm (W of shape [out, in], transposed) and Relu per hidden layer, then the head. <b>Output:</b>
/// <c>probabilities</c>, [N, classes] (softmax) for a multiclass model or [N, 1] (sigmoid, the positive class) for a
/// binary one; <c>prediction</c>, [N, 1], for regression. Text columns (Causeway's own tokenizer and hashing) and
/// window schemas (IoT aggregation over rows) have no ONNX form and are refused.
/// </para>
/// </remarks>
public static class OnnxExport
{
    /// <summary>The ONNX IR version written: 8.</summary>
    public const long IrVersion = 8;

    /// <summary>The default (ai.onnx) operator set: 17.</summary>
    public const long OpsetVersion = 17;

    /// <summary>The ai.onnx.ml operator set (LabelEncoder): 3.</summary>
    public const long MlOpsetVersion = 3;

    /// <summary>Why <paramref name="model"/> cannot be written as ONNX, or null.</summary>
    public static string? DescribeProblem(TrainedModel model)
    {
        ArgumentNullException.ThrowIfNull(model);
        return DescribeProblem(model.Schema);
    }

    /// <summary>Why a model over <paramref name="schema"/>'s columns cannot be written as ONNX, or null.</summary>
    public static string? DescribeProblem(DataSchema schema)
    {
        ArgumentNullException.ThrowIfNull(schema);
        return schema.Window is not null
            ? "the schema aggregates windows of rows (IoT); that aggregation has no ONNX form"
            : schema.Columns.FirstOrDefault(c => c.Type == ColumnType.Text) is { } text
                ? $"column '{text.Name}' is text, hashed by Causeway's tokenizer, which has no ONNX operator"
                : null;
    }

    /// <summary>Writes the ONNX model to <paramref name="stream"/>.</summary>
    /// <exception cref="NotSupportedException">The model cannot be exported (<see cref="DescribeProblem(TrainedModel)"/>).</exception>
    public static void Write(TrainedModel model, Stream stream)
    {
        ArgumentNullException.ThrowIfNull(stream);
        if (DescribeProblem(model) is { } problem)
        {
            throw new NotSupportedException(problem);
        }

        var graph = new GraphBuilder();
        var features = Pipeline(graph, model);
        var output = Network(graph, model.Spec, model, features);
        if (model.Spec.Task == LearningTask.Regression)
        {
            graph.Output(output, "prediction", 1);
        }
        else
        {
            graph.Output(output, "probabilities", model.Spec.Outputs);
        }

        Model(graph, "A Causeway model with its feature pipeline: one input per schema column (float or string, [N, 1]).").WriteTo(stream);
    }

    /// <summary>
    /// Writes a recommender's item model as ONNX: inputs <c>user_factors</c> [N, k] and <c>user_bias</c> [N, 1] (a user's
    /// own vector, which stays with the user's party), output <c>scores</c> [N, items], the predicted rating
    /// μ + b_u + b_i + p_u·q_i of every item in catalogue order.
    /// </summary>
    /// <param name="factors">The item factors, items × k, row-major.</param>
    /// <param name="bias">The item biases.</param>
    /// <param name="globalMean">μ.</param>
    /// <param name="metadata">Written as the model's metadata (the catalogue digest, the run's setup).</param>
    /// <param name="stream">Where to write.</param>
    public static void WriteRecommender(ReadOnlySpan<float> factors, ReadOnlySpan<float> bias, float globalMean, IReadOnlyDictionary<string, string> metadata, Stream stream)
    {
        ArgumentNullException.ThrowIfNull(metadata);
        ArgumentNullException.ThrowIfNull(stream);
        var items = bias.Length;
        if (items == 0 || factors.Length % items != 0)
        {
            throw new ArgumentException($"{factors.Length} factor values do not make {items} items' rows", nameof(factors));
        }

        var k = factors.Length / items;
        var graph = new GraphBuilder();
        var user = graph.Input("user_factors", GraphBuilder.Float, k);
        var userBias = graph.Input("user_bias", GraphBuilder.Float);
        var dots = graph.Node("Gemm", [user, graph.Floats(factors.ToArray(), items, k), graph.Floats(bias.ToArray(), items)], attributes: GraphBuilder.Attribute("transB", 1));
        var scores = graph.Node("Add", [graph.Node("Add", [dots, userBias]), graph.Floats([globalMean], 1)]);
        graph.Output(scores, "scores", items);
        var onnx = Model(graph, "A Causeway recommender's item model: the user's own factors and bias in, a predicted rating for every item out.");
        onnx.MetadataProps.AddRange(metadata.Select(p => new StringStringEntryProto { Key = p.Key, Value = p.Value }));
        onnx.WriteTo(stream);
    }

    /// <summary>
    /// Writes one party's bottom model of a split network as ONNX: one input per schema column the party holds (as
    /// <see cref="Write"/>'s, with the same feature pipeline), output <c>embedding</c> [N, E]. The party serves it on its
    /// own rows; only the embedding goes to the guest's top model (<see cref="WriteSplitTop"/>).
    /// </summary>
    /// <param name="schema">The federation's schema.</param>
    /// <param name="statistics">The training statistics the parties encoded with.</param>
    /// <param name="columns">The columns this party holds.</param>
    /// <param name="layers">The bottom model: ReLU between the layers, none after the last.</param>
    /// <param name="stream">Where to write.</param>
    public static void WriteSplitBottom(DataSchema schema, FeatureStatistics statistics, IReadOnlySet<string> columns, IReadOnlyList<DenseLayer> layers, Stream stream)
    {
        ArgumentNullException.ThrowIfNull(layers);
        ArgumentNullException.ThrowIfNull(stream);
        if (DescribeProblem(schema) is { } problem)
        {
            throw new NotSupportedException($"The split network's bottom model cannot be written as ONNX: {problem}.");
        }

        var graph = new GraphBuilder();
        var embedding = Layers(graph, Pipeline(graph, schema, statistics, c => columns.Contains(c.Name)), layers);
        graph.Output(embedding, "embedding", layers[^1].Outputs);
        Model(graph, "One party's bottom model of a Causeway split network: its raw columns in, its embedding out.").WriteTo(stream);
    }

    /// <summary>
    /// Writes the guest's top model of a split network as ONNX: inputs <c>embedding_{party}</c> [N, E], one per party in
    /// the training order, output <c>probabilities</c> [N, 1] (the positive class).
    /// </summary>
    public static void WriteSplitTop(IReadOnlyList<string> parties, int embedding, IReadOnlyList<DenseLayer> layers, Stream stream)
    {
        ArgumentNullException.ThrowIfNull(parties);
        ArgumentNullException.ThrowIfNull(stream);
        var graph = new GraphBuilder();
        var inputs = parties.Select(p => graph.Input($"embedding_{p}", GraphBuilder.Float, embedding)).ToArray();
        var joined = inputs.Length == 1 ? inputs[0] : graph.Node("Concat", inputs, attributes: GraphBuilder.Attribute("axis", 1));
        graph.Output(graph.Node("Sigmoid", [Layers(graph, joined, layers)]), "probabilities", 1);
        Model(graph, "The top model of a Causeway split network: every party's embedding in, the positive class's probability out.").WriteTo(stream);
    }

    // x·W + b per layer (W stored inputs × outputs), ReLU between layers.
    private static string Layers(GraphBuilder graph, string input, IReadOnlyList<DenseLayer> layers)
    {
        var h = input;
        for (var l = 0; l < layers.Count; l++)
        {
            var layer = layers[l];
            h = graph.Node("Gemm", [h, graph.Floats(layer.Weights, layer.Inputs, layer.Outputs), graph.Floats(layer.Biases, layer.Outputs)]);
            if (l < layers.Count - 1)
            {
                h = graph.Node("Relu", [h]);
            }
        }

        return h;
    }

    private static ModelProto Model(GraphBuilder graph, string description)
    {
        var onnx = new ModelProto
        {
            IrVersion = IrVersion,
            ProducerName = "causeway",
            ProducerVersion = typeof(OnnxExport).Assembly.GetName().Version?.ToString() ?? "0",
            Domain = "org.causeway",
            ModelVersion = 1,
            DocString = description,
            Graph = graph.Graph,
        };
        onnx.OpsetImport.Add(new OperatorSetIdProto { Domain = string.Empty, Version = OpsetVersion });
        onnx.OpsetImport.Add(new OperatorSetIdProto { Domain = "ai.onnx.ml", Version = MlOpsetVersion });
        return onnx;
    }

    // The encoded features [N, F] of the raw column inputs, in FeatureEncoder's order.
    private static string Pipeline(GraphBuilder graph, TrainedModel model) => Pipeline(graph, model.Schema, model.Statistics, _ => true);

    // The same for the columns `include` keeps (a split network party's), in the same order.
    private static string Pipeline(GraphBuilder graph, DataSchema schema, FeatureStatistics statistics, Func<ColumnSchema, bool> include)
    {
        var means = statistics.Means;
        var deviations = statistics.StandardDeviations;
        var parts = new List<string>();
        var numericIndex = 0;
        foreach (var column in schema.Columns)
        {
            if (column.Type == ColumnType.Numeric)
            {
                var (mean, deviation) = (means[numericIndex], deviations[numericIndex]);
                numericIndex++;
                if (include(column))
                {
                    parts.AddRange(Numeric(graph, column, mean, deviation, statistics));
                }
            }
            else if (column.Type == ColumnType.Categorical && include(column))
            {
                parts.Add(Categorical(graph, column));
            }
        }

        return parts.Count == 1 ? parts[0] : graph.Node("Concat", [.. parts], attributes: GraphBuilder.Attribute("axis", 1));
    }

    private static IEnumerable<string> Numeric(GraphBuilder graph, ColumnSchema column, double mean, double deviation, FeatureStatistics statistics)
    {
        var x = graph.Input(column.Name, GraphBuilder.Float);
        var options = column.Numeric;
        var missing = graph.Node("IsNaN", [x]);
        var fill = column.Missing switch
        {
            MissingPolicy.ImputeZero => 0.0,
            MissingPolicy.ImputeConstant => options.Fill,
            _ => mean,
        };
        var filled = graph.Node("Where", [missing, graph.Floats([(float)fill], 1), x]);
        if (options.Bins is { } bins)
        {
            // The table keeps an imputed value under impute-zero and impute-constant; otherwise a missing cell is in no bin.
            var binned = column.Missing is MissingPolicy.ImputeZero or MissingPolicy.ImputeConstant ? filled : x;
            var edges = FeatureEncoder.BinEdges(column, statistics);
            var above = graph.Node("Cast", [graph.Node("GreaterOrEqual", [binned, graph.Floats([.. edges.Select(e => (float)e)], 1, edges.Length)])], attributes: GraphBuilder.Attribute("to", GraphBuilder.Float));
            var bin = graph.Node("ReduceSum", [above, graph.Int64s([1], 1)], attributes: GraphBuilder.Attribute("keepdims", 1));
            var hit = graph.Node("Equal", [bin, graph.Floats([.. Enumerable.Range(0, bins.Count).Select(b => (float)b)], 1, bins.Count)]);
            var present = graph.Node("Not", [graph.Node("IsNaN", [binned])]);
            yield return graph.Node("Cast", [graph.Node("And", [hit, present])], attributes: GraphBuilder.Attribute("to", GraphBuilder.Float));
        }
        else
        {
            var (shift, scale) = options.Scale switch
            {
                NumericScaling.MinMax => (options.Range!.Value.Lower, options.Range.Value.Upper - options.Range.Value.Lower),
                NumericScaling.None => (0.0, 1.0),
                _ => (mean, deviation),
            };
            yield return graph.Node("Div", [graph.Node("Sub", [filled, graph.Floats([(float)shift], 1)]), graph.Floats([(float)scale], 1)]);
        }

        if (options.Indicator)
        {
            yield return graph.Node("Cast", [missing], attributes: GraphBuilder.Attribute("to", GraphBuilder.Float));
        }
    }

    private static string Categorical(GraphBuilder graph, ColumnSchema column)
    {
        var x = graph.Input(column.Name, GraphBuilder.String);
        var count = column.Categories.Count;
        var index = graph.Node(
            "LabelEncoder", [x], domain: "ai.onnx.ml", attributes:
            [
                GraphBuilder.Attribute("keys_strings", column.Categories),
                GraphBuilder.Attribute("values_int64s", Enumerable.Range(0, count).Select(i => (long)i)),
                GraphBuilder.Attribute("default_int64", -1),
            ]);
        var hit = graph.Node("Equal", [index, graph.Int64s([.. Enumerable.Range(0, count).Select(i => (long)i)], 1, count)]);
        return graph.Node("Cast", [hit], attributes: GraphBuilder.Attribute("to", GraphBuilder.Float));
    }

    // Gemm + Relu per hidden layer, then the head.
    private static string Network(GraphBuilder graph, ModelSpec spec, TrainedModel model, string features)
    {
        var h = features;
        var widths = new List<int> { spec.Inputs };
        widths.AddRange(spec.Hidden);
        widths.Add(spec.Outputs);
        for (var layer = 0; layer < widths.Count - 1; layer++)
        {
            var weights = graph.Floats(model.Parameters[$"layer{layer}.weight"].ToArray(), widths[layer + 1], widths[layer]);
            var bias = graph.Floats(model.Parameters[$"layer{layer}.bias"].ToArray(), widths[layer + 1]);
            h = graph.Node("Gemm", [h, weights, bias], attributes: GraphBuilder.Attribute("transB", 1));
            if (layer < widths.Count - 2)
            {
                h = graph.Node("Relu", [h]);
            }
        }

        return spec.Task switch
        {
            LearningTask.BinaryClassification => graph.Node("Sigmoid", [h]),
            LearningTask.MulticlassClassification => graph.Node("Softmax", [h], attributes: GraphBuilder.Attribute("axis", -1)),
            _ => h,
        };
    }
}
