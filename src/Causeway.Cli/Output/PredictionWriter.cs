using System.Globalization;
using Causeway.Core.Models;

namespace Causeway.Cli.Output;

/// <summary>Writes model outputs as CSV: the predicted class (or value) and the probabilities behind it.</summary>
internal static class PredictionWriter
{
    public static void Write(TextWriter writer, ModelSpec spec, ReadOnlySpan<float> outputs, int rows)
    {
        var culture = CultureInfo.InvariantCulture;
        switch (spec.Task)
        {
            case LearningTask.BinaryClassification:
                writer.WriteLine("row,prediction,probability");
                for (var r = 0; r < rows; r++)
                {
                    writer.WriteLine(string.Create(culture, $"{r},{ModelOutputs.Predict(spec, outputs.Slice(r, 1))},{outputs[r]:G6}"));
                }

                break;
            case LearningTask.MulticlassClassification:
                writer.WriteLine("row,prediction," + string.Join(',', Enumerable.Range(0, spec.Outputs).Select(k => $"p{k}")));
                for (var r = 0; r < rows; r++)
                {
                    var row = outputs.Slice(r * spec.Outputs, spec.Outputs);
                    var best = ModelOutputs.Predict(spec, row);
                    var probabilities = new string[row.Length];
                    for (var k = 0; k < row.Length; k++)
                    {
                        probabilities[k] = row[k].ToString("G6", culture);
                    }

                    writer.WriteLine(string.Create(culture, $"{r},{best},{string.Join(',', probabilities)}"));
                }

                break;
            default:
                writer.WriteLine("row,prediction");
                for (var r = 0; r < rows; r++)
                {
                    writer.WriteLine(string.Create(culture, $"{r},{outputs[r]:G8}"));
                }

                break;
        }
    }
}
