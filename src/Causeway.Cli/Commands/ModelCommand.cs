using System.CommandLine;
using System.Globalization;
using System.Runtime.InteropServices;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using Causeway.Cli.Output;
using Causeway.Core.Data;
using Causeway.Federation.Recommendation;
using Causeway.Federation.Recommendation.Data;
using Causeway.Federation.Recommendation.Network;

namespace Causeway.Cli.Commands;

/// <summary><c>causeway model export-items</c>: a recommendation run's item embeddings with their item ids (they feed vector search).</summary>
internal static class ModelCommand
{
    public static Command Create()
    {
        var model = new Argument<FileInfo>("MODEL") { Description = "A recommendation run's item model (.cw, from `causeway run model`)." };
        var ratings = new Option<FileInfo>("--ratings")
        {
            Description = "The federation's ratings file: its item ids, in file order, name the model's rows (its catalogue digest must match the model's).",
            Required = true,
            HelpName = "FILE",
        };
        var output = new Option<FileInfo>("--out")
        {
            Description = "items.csv (item,bias,f0..), items.json, items.npy (float32 [items, k]; ids in FILE.ids.txt), or items.jsonl: one {\"id\", \"vector\": [bias, f0..], \"payload\"} per item, for `causeway vectors insert` into an ip collection of k + 1 dimensions (a user's top-K is then the query [1, p_u]).",
            Required = true,
            HelpName = "FILE",
        };
        var export = new Command("export-items", "Export a recommendation run's item embeddings with item ids (docs/model-format.md, \"Item models\").") { model, ratings, output };
        export.SetAction(parse =>
        {
            var modelFile = CliFiles.Existing(parse.GetValue(model)!, "MODEL", "download a recommendation run's item model with `causeway run model --run ID --out FILE`");
            var ratingsFile = parse.GetValue(ratings)!;
            var outFile = parse.GetValue(output)!;

            var format = outFile.Extension.ToLowerInvariant();
            if (format is not (".csv" or ".json" or ".npy" or ".jsonl"))
            {
                throw new CliException($"--out must end in .csv, .json, .npy or .jsonl, got '{outFile.Name}'", hint: null);
            }

            RecommendationSetup setup;
            Core.Tensors.ParameterSet items;
            IReadOnlyList<string> ids;
            try
            {
                using (var stream = modelFile.OpenRead())
                {
                    (setup, items) = ItemModelFile.Read(stream, modelFile.FullName);
                }

                using var ratingsStream = ratingsFile.OpenRead();
                ids = RatingsReader.Read(ratingsStream, ratingsFile.FullName).ItemIds;
            }
            catch (Exception e) when (e is InvalidDataException or DataFormatException or IOException)
            {
                throw new CliException(Sentence.Fragment(e.Message), hint: null, innerException: e);
            }

            if (RatingsDescription.DigestOf(ids) != setup.Catalogue)
            {
                throw new CliException(
                    $"{ratingsFile.Name} holds another catalogue ({ids.Count} items) than the model's ({setup.Spec.Items} items)",
                    "give --ratings the ratings file the run's parties served");
            }

            Write(outFile.FullName, format, setup, items, ids);
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"model export-items: {ids.Count} items x {setup.Spec.Factors} factors written to {outFile.FullName}"));
            return 0;
        });
        return new Command("model", "Work with a run's model file.") { export };
    }

    private static void Write(string path, string format, RecommendationSetup setup, Core.Tensors.ParameterSet items, IReadOnlyList<string> ids)
    {
        var k = setup.Spec.Factors;
        var factors = items[ItemModel.Factors];
        var bias = items[ItemModel.Bias];
        switch (format)
        {
            case ".csv":
                {
                    var text = new StringBuilder("item,bias");
                    for (var f = 0; f < k; f++)
                    {
                        text.Append(CultureInfo.InvariantCulture, $",f{f}");
                    }

                    text.Append('\n');
                    for (var i = 0; i < ids.Count; i++)
                    {
                        text.Append(CsvCell.Quote(ids[i])).Append(',').Append(bias[i].ToString("R", CultureInfo.InvariantCulture));
                        foreach (var value in factors.Slice(i * k, k))
                        {
                            text.Append(',').Append(value.ToString("R", CultureInfo.InvariantCulture));
                        }

                        text.Append('\n');
                    }

                    File.WriteAllText(path, text.ToString());
                    break;
                }

            case ".json":
                {
                    var array = new JsonArray();
                    for (var i = 0; i < ids.Count; i++)
                    {
                        array.Add(new JsonObject
                        {
                            ["item"] = ids[i],
                            ["bias"] = bias[i],
                            ["factors"] = new JsonArray([.. factors.Slice(i * k, k).ToArray().Select(v => (JsonNode)v)]),
                        });
                    }

                    var root = new JsonObject { ["factors"] = k, ["global_mean"] = items[ItemModel.GlobalMean][0], ["catalogue"] = setup.Catalogue, ["items"] = array };
                    File.WriteAllText(path, root.ToJsonString(new JsonSerializerOptions { WriteIndented = false }));
                    break;
                }

            case ".jsonl":
                {
                    // [b_i, q_i]: with the query [1, p_u], the inner product is b_i + p_u·q_i, the user's score of item i
                    // less μ + b_u, which are the same for every item; an ip collection ranks by it (docs/vectors.md).
                    using var writer = new StreamWriter(path);
                    for (var i = 0; i < ids.Count; i++)
                    {
                        var vector = new JsonArray((JsonNode)bias[i]);
                        foreach (var value in factors.Slice(i * k, k))
                        {
                            vector.Add(value);
                        }

                        writer.WriteLine(new JsonObject { ["id"] = ids[i], ["vector"] = vector, ["payload"] = new JsonObject { ["bias"] = bias[i] } }.ToJsonString());
                    }

                    break;
                }

            default:
                WriteNpy(path, factors, ids.Count, k);
                File.WriteAllLines(path + ".ids.txt", ids);
                break;
        }
    }

    // NumPy .npy version 1.0: magic, header length, a Python dict literal padded to 64 bytes, then little-endian float32 rows.
    private static void WriteNpy(string path, ReadOnlySpan<float> values, int rows, int columns)
    {
        var header = string.Create(CultureInfo.InvariantCulture, $"{{'descr': '<f4', 'fortran_order': False, 'shape': ({rows}, {columns}), }}");
        var total = 10 + header.Length + 1;
        header = header.PadRight(header.Length + ((64 - (total % 64)) % 64)) + "\n";
        using var file = File.Create(path);
        file.WriteByte(0x93);
        file.Write("NUMPY"u8);
        file.Write([1, 0]);
        file.Write(BitConverter.GetBytes((ushort)header.Length));
        file.Write(Encoding.ASCII.GetBytes(header));
        file.Write(MemoryMarshal.AsBytes(values[..(rows * columns)]));
    }
}
