using System.CommandLine;
using System.Diagnostics;
using System.Globalization;
using System.Text;
using System.Text.Json.Nodes;
using Causeway.Cli.Composition;
using Causeway.Cli.Output;
using Causeway.Core.Data;
using Causeway.Onnx.Encoders;
using Spectre.Console;

namespace Causeway.Cli.Commands;

/// <summary>
/// <c>causeway encode</c>: a party's images through a frozen pretrained encoder (the ImageNet ResNet18), once, on its own
/// machine; the result is an ordinary table of features with a schema, which the party joins a federation with
/// (<c>causeway party --data</c>) so that only a head on the features is trained and travels.
/// </summary>
/// <remarks>
/// Two inputs: IDX files (the format of MNIST and Fashion-MNIST: <c>--idx-images</c> and <c>--idx-labels</c>), or a
/// table with one numeric column per pixel of a square grey image, row-major, and a label (<c>--data</c> and
/// <c>--schema</c>, pixel values from 0 to <c>--pixel-max</c>). Images are not decoded from PNG or JPEG files: no image
/// decoder is served here that we trust with files from outside (docs/transfer.md).
/// </remarks>
internal static class EncodeCommand
{
    /// <summary>The most images one run encodes: their features are held in one array.</summary>
    public const int MaxImages = int.MaxValue / ResNet18Features.Width;

    private static readonly CultureInfo Invariant = CultureInfo.InvariantCulture;

    public static Command Create()
    {
        var encoder = new Option<string>("--encoder") { Description = "The pretrained encoder.", DefaultValueFactory = _ => "resnet18" };
        encoder.AcceptOnlyFromAmong("resnet18");
        var data = new Option<FileInfo?>("--data") { Description = "A table of images: one numeric column per pixel of a square grey image, row-major, and a label; with --schema.", HelpName = "FILE" };
        var schema = new Option<FileInfo?>("--schema") { Description = "The schema of --data: its numeric columns are the pixels, in order.", HelpName = "FILE" };
        var pixelMax = new Option<double>("--pixel-max") { Description = "The pixel value of white in --data (255 for bytes; 16 for the UCI 8x8 digits).", DefaultValueFactory = _ => 255 };
        var idxImages = new Option<FileInfo?>("--idx-images") { Description = "Gzipped IDX images (MNIST, Fashion-MNIST); with --idx-labels.", HelpName = "FILE" };
        var idxLabels = new Option<FileInfo?>("--idx-labels") { Description = "Gzipped IDX labels of --idx-images.", HelpName = "FILE" };
        var limit = new Option<int?>("--limit") { Description = "Encode only the first N images.", HelpName = "N" };
        var modelDir = new Option<DirectoryInfo?>("--model-dir") { Description = "Where ResNet18.onnx and ResNetPreprocess.onnx are (default: this clone's, fetched by scripts/install-resnet18.sh on first use).", HelpName = "DIR" };
        var output = new Option<DirectoryInfo>("--out") { Description = "A new or empty folder for features.csv and schema.json.", Required = true, HelpName = "DIR" };
        var command = new Command("encode", "Turn a party's images into features with a frozen pretrained encoder (ImageNet ResNet18, 512 features each), locally; the features table and its schema are what the party then trains a federated head on.")
        {
            encoder, data, schema, pixelMax, idxImages, idxLabels, limit, modelDir, output,
        };
        command.SetAction(parse =>
        {
            var (images, side, labels, classes) = Load(parse.GetValue(data), parse.GetValue(schema), parse.GetValue(pixelMax), parse.GetValue(idxImages), parse.GetValue(idxLabels));
            if (parse.GetValue(limit) is < 1)
            {
                throw new CliException("--limit must be at least 1", hint: null);
            }

            var count = Math.Min(labels.Length, parse.GetValue(limit) ?? int.MaxValue);
            if (count == 0)
            {
                throw new CliException("the input holds no images", hint: null);
            }

            if (count > MaxImages)
            {
                throw new CliException(string.Create(Invariant, $"the input holds {count:N0} images; one run encodes at most {MaxImages:N0}"), hint: "split the input, or encode the first N with --limit N");
            }

            var folder = parse.GetValue(output)!.FullName;
            if (Directory.Exists(folder) && Directory.EnumerateFileSystemEntries(folder).Any())
            {
                throw new CliException($"--out {folder} is not empty", hint: "name a new or empty folder: nothing there is overwritten");
            }

            var directory = parse.GetValue(modelDir)?.FullName;
            if (directory is null)
            {
                (directory, var problem) = ResNet18Install.Ensure();
                if (directory is null)
                {
                    throw new CliException(problem!, hint: null, exitCode: 1);
                }
            }

            var features = new float[count * ResNet18Features.Width];
            var watch = Stopwatch.StartNew();
            using (var resnet = OpenEncoder(directory))
            {
                AnsiConsole.Progress().AutoClear(true).Start(progress =>
                {
                    var task = progress.AddTask($"ResNet18 on {count:N0} images of {side}x{side}", maxValue: count);
                    for (var i = 0; i < count; i++)
                    {
                        resnet.Extract(images.AsSpan(i * side * side, side * side), side, features.AsSpan(i * ResNet18Features.Width, ResNet18Features.Width));
                        task.Increment(1);
                    }
                });
            }

            Directory.CreateDirectory(folder);
            WriteTable(Path.Combine(folder, "features.csv"), features, labels, count, classes);
            File.WriteAllText(Path.Combine(folder, "schema.json"), Schema(classes));
            Console.WriteLine(string.Create(
                Invariant,
                $"encoded {count:N0} images into {ResNet18Features.Width} features each in {watch.Elapsed.TotalSeconds:F1} s ({1000 * watch.Elapsed.TotalSeconds / count:F1} ms per image); wrote {Path.Combine(folder, "features.csv")} and schema.json"));
            Console.WriteLine($"join with them: causeway party --data {Path.Combine(folder, "features.csv")} --schema {Path.Combine(folder, "schema.json")} ...");
            return 0;
        });
        return command;
    }

    // The images as grey values in [0, 1], n × side × side; their side; each label's class index; the class names.
    private static (float[] Images, int Side, float[] Labels, IReadOnlyList<string> Classes) Load(
        FileInfo? data, FileInfo? schema, double pixelMax, FileInfo? idxImages, FileInfo? idxLabels)
    {
        if ((data is null) == (idxImages is null) || (data is null) != (schema is null) || (idxImages is null) != (idxLabels is null))
        {
            throw new CliException("give either --data and --schema, or --idx-images and --idx-labels", hint: "causeway encode --help shows both forms");
        }

        if (idxImages is not null)
        {
            var idx = IdxReader.Read(CliFiles.Existing(idxImages, "--idx-images").FullName, CliFiles.Existing(idxLabels!, "--idx-labels").FullName);
            var idxSide = SquareSide(idx.Columns, "--idx-images");
            var classCount = (int)idx.Labels.Max() + 1;
            return (idx.Features, idxSide, idx.Labels, [.. Enumerable.Range(0, classCount).Select(c => c.ToString(Invariant))]);
        }

        if (!(pixelMax > 0) || !double.IsFinite(pixelMax))
        {
            throw new CliException("--pixel-max must be a positive number", hint: null);
        }

        var parsed = DataSchema.Load(CliFiles.Existing(schema!, "--schema").FullName);
        var pixels = parsed.Columns.Where(c => c.Type == ColumnType.Numeric).Select(c => c.Name).ToList();
        var side = SquareSide(pixels.Count, "--schema");
        var label = parsed.Columns.FirstOrDefault(c => c.Type == ColumnType.Label) is { Regression: false } l ? l
            : throw new CliException($"{schema!.Name} has no classification label column", hint: "the features table keeps each image's class: add a label column with its classes to the schema");
        var table = TableReader.Read(CliFiles.Existing(data!, "--data").FullName, parsed, LabelPresence.Required);
        var images = new float[table.Rows * side * side];
        for (var p = 0; p < pixels.Count; p++)
        {
            var column = table.Numeric(pixels[p]);
            for (var row = 0; row < table.Rows; row++)
            {
                var value = column[row];
                if (!(value >= 0 && value <= pixelMax))
                {
                    throw new CliException(string.Create(Invariant, $"{data!.Name}, data row {row} (from 0), column '{pixels[p]}': {value} is not a pixel value from 0 to --pixel-max {pixelMax}"), hint: "set --pixel-max to the value of white in this table");
                }

                images[(row * side * side) + p] = (float)(value / pixelMax);
            }
        }

        return (images, side, table.Labels, [.. label.Classes.Select(names => names[0])]);
    }

    private static int SquareSide(int pixels, string source)
    {
        var side = (int)Math.Round(Math.Sqrt(pixels));
        return side >= 2 && side * side == pixels
            ? side
            : throw new CliException($"{source} gives {pixels} pixels per image, which is not a square image of at least 2x2", hint: "the numeric columns are the pixels of one square grey image, row by row");
    }

    private static ResNet18Features OpenEncoder(string directory)
    {
        try
        {
            return new ResNet18Features(directory, Environment.ProcessorCount);
        }
        catch (FileNotFoundException e)
        {
            throw new CliException(e.Message, hint: "scripts/install-resnet18.sh fetches ResNet18.onnx and ResNetPreprocess.onnx");
        }
    }

    private static void WriteTable(string path, float[] features, float[] labels, int count, IReadOnlyList<string> classes)
    {
        using var writer = new StreamWriter(path, append: false, new UTF8Encoding(false));
        writer.WriteLine(string.Join(',', [.. Enumerable.Range(0, ResNet18Features.Width).Select(FeatureName), "label"]));
        var line = new StringBuilder();
        for (var row = 0; row < count; row++)
        {
            line.Clear();
            for (var j = 0; j < ResNet18Features.Width; j++)
            {
                line.Append(features[(row * ResNet18Features.Width) + j].ToString("R", Invariant)).Append(',');
            }

            writer.WriteLine(line.Append(CsvCell.Quote(classes[(int)labels[row]])));
        }
    }

    // Every feature numeric, the label's classes as the input named them.
    private static string Schema(IReadOnlyList<string> classes)
    {
        var columns = new JsonArray([.. Enumerable.Range(0, ResNet18Features.Width).Select(j => (JsonNode)new JsonObject { ["name"] = FeatureName(j), ["type"] = "numeric" })]);
        var byIndex = new JsonObject();
        for (var c = 0; c < classes.Count; c++)
        {
            byIndex[c.ToString(Invariant)] = new JsonArray(classes[c]);
        }

        columns.Add(new JsonObject { ["name"] = "label", ["type"] = "label", ["classes"] = byIndex });
        return new JsonObject { ["format"] = new JsonObject { ["delimiter"] = ",", ["header"] = true }, ["columns"] = columns }
            .ToJsonString(new System.Text.Json.JsonSerializerOptions { WriteIndented = true });
    }

    private static string FeatureName(int j) => string.Create(Invariant, $"resnet18_{j:D3}");
}
