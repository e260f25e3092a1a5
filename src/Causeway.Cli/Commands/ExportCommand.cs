using System.CommandLine;
using Causeway.Cli.Output;
using Causeway.Core.Serialization;
using Causeway.Onnx;

namespace Causeway.Cli.Commands;

/// <summary><c>causeway export</c>: a model file (.cw) as a standard ONNX graph with its feature pipeline inside.</summary>
internal static class ExportCommand
{
    public static Command Create()
    {
        var model = new Option<FileInfo>("--model") { Description = "The model file (.cw), from a run (`causeway run model`) or `causeway simulate --export`.", Required = true, HelpName = "FILE" };
        var format = FormatOption();
        var output = new Option<FileInfo>("--out") { Description = "Where to write the exported model.", Required = true, HelpName = "FILE" };
        var command = new Command(
            "export",
            "Write a model as ONNX: one input per schema column ([N, 1], float or string), the feature pipeline and network inside, output 'probabilities' or 'prediction' (docs/model-format.md).")
        {
            model, format, output,
        };
        command.SetAction(parse =>
        {
            if (parse.GetValue(format) != "onnx")
            {
                throw new CliException($"--format must be onnx, got '{parse.GetValue(format)}'", "a model file (.cw) is what `causeway run model` downloads", exitCode: 2);
            }

            var file = CliFiles.Existing(parse.GetValue(model)!, "--model", CliFiles.ModelHint);

            WriteOnnx(file.FullName, parse.GetValue(output)!.FullName);
            return 0;
        });
        return command;
    }

    /// <summary>The <c>--format</c> option: <c>onnx</c> (and, where a model file is the default, <c>cw</c>).</summary>
    public static Option<string> FormatOption(string defaultFormat = "onnx") => new("--format")
    {
        Description = "onnx: a standard ONNX graph any serving stack runs; cw: Causeway's own model file.",
        DefaultValueFactory = _ => defaultFormat,
        HelpName = "FORMAT",
    };

    /// <summary>Converts the model file at <paramref name="modelPath"/> to ONNX at <paramref name="onnxPath"/>, or fails in one line saying why.</summary>
    public static void WriteOnnx(string modelPath, string onnxPath)
    {
        if (ReadItemModel(modelPath) is var (setup, items))
        {
            Write(onnxPath, stream => OnnxExport.WriteRecommender(
                items[Federation.Recommendation.ItemModel.Factors], items[Federation.Recommendation.ItemModel.Bias], items[Federation.Recommendation.ItemModel.GlobalMean][0],
                new Dictionary<string, string>(StringComparer.Ordinal) { ["causeway.recommendation"] = setup.ToJson() }, stream));
            Console.WriteLine($"wrote {onnxPath} (ONNX recommender: user_factors [N, {setup.Spec.Factors}] and user_bias [N, 1] in, scores [N, {setup.Spec.Items}] out)");
            return;
        }

        TrainedModel trained;
        try
        {
            trained = TrainedModel.Load(modelPath);
        }
        catch (Exception e) when (e is InvalidDataException or IOException or Core.Data.DataFormatException)
        {
            throw new CliException($"--model {Path.GetFileName(modelPath)}: {e.Message}", hint: null, innerException: e);
        }

        if (OnnxExport.DescribeProblem(trained) is { } problem)
        {
            throw new CliException($"this model cannot be exported as ONNX: {problem}", "predict with `causeway predict --model F.cw`, which runs the whole pipeline");
        }

        Write(onnxPath, stream => OnnxExport.Write(trained, stream));
        Console.WriteLine($"wrote {onnxPath} (ONNX, inputs: {string.Join(", ", trained.Schema.Columns.Where(c => c.Type is Core.Data.ColumnType.Numeric or Core.Data.ColumnType.Categorical).Select(c => c.Name))})");
    }

    // A recommendation run's item model, or null when the file is another kind of model.
    private static (Federation.Recommendation.Network.RecommendationSetup Setup, Core.Tensors.ParameterSet Items)? ReadItemModel(string path)
    {
        try
        {
            using var stream = File.OpenRead(path);
            return Federation.Recommendation.Network.ItemModelFile.Read(stream, Path.GetFileName(path));
        }
        catch (Exception e) when (e is InvalidDataException or IOException or FormatException)
        {
            return null;
        }
    }

    // Written beside the target, then renamed: a failed export never leaves half a file under the user's name.
    private static void Write(string path, Action<Stream> write)
    {
        var partial = path + ".partial";
        try
        {
            using (var stream = File.Create(partial))
            {
                write(stream);
            }

            File.Move(partial, path, overwrite: true);
        }
        finally
        {
            File.Delete(partial);
        }
    }
}
