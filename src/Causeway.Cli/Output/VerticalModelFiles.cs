using System.Globalization;
using Causeway.Core.Data;
using Causeway.Federation.Vertical.Network;

namespace Causeway.Cli.Output;

/// <summary>
/// What a party writes of a vertical job it took part in (<c>causeway party --vertical-models DIR</c>), under DIR/JOB/:
/// a split network's parts as ONNX, a transfer target's predictions. Optional local copies: whatever goes wrong is
/// printed and never fails the job.
/// </summary>
internal static class VerticalModelFiles
{
    /// <summary>
    /// A split network's parts at this party as ONNX: DIR/JOB/bottom-P.onnx (P this party's index in the job, the guest 0)
    /// and, at the guest, DIR/JOB/top.onnx, whose inputs are embedding_0 … embedding_{n-1} in the job's party order. Each
    /// file is written beside its name and renamed over it.
    /// </summary>
    public static void SaveSplitPart(TrainedSplitPart part, string folder)
    {
        // The job id names a folder: only a plain name, so that no id can reach outside DIR.
        if (!IsPlainJobId(part.JobId))
        {
            Console.Error.WriteLine("party: not writing a split network's parts: its job id is not a plain file name (letters, digits, '-', '_', '.').");
            return;
        }

        if (Onnx.OnnxExport.DescribeProblem(part.Schema) is { } problem)
        {
            Console.Error.WriteLine($"party: not writing the split-network parts of job {part.JobId}: {problem}.");
            return;
        }

        var job = Path.Combine(folder, part.JobId);
        try
        {
            Directory.CreateDirectory(job);
            var columns = part.Schema.Columns.Where(c => c.Type is not (ColumnType.Id or ColumnType.Label or ColumnType.Ignore)).Select(c => c.Name).ToHashSet(StringComparer.Ordinal);
            WriteReplacing(Path.Combine(job, $"bottom-{part.Party}.onnx"), stream => Onnx.OnnxExport.WriteSplitBottom(part.Schema, part.Statistics, columns, part.Bottom, stream));
            if (part.Top is { } top)
            {
                string[] parties = [.. Enumerable.Range(0, part.Parties).Select(p => p.ToString(CultureInfo.InvariantCulture))];
                WriteReplacing(Path.Combine(job, "top.onnx"), stream => Onnx.OnnxExport.WriteSplitTop(parties, part.Embedding, top, stream));
            }

            Console.WriteLine($"vertical job {part.JobId}: wrote this party's split-network part{(part.Top is null ? "" : "s")} to {job}");
        }
        catch (Exception e) when (e is not OutOfMemoryException)
        {
            Console.Error.WriteLine($"party: could not write the split-network parts of job {part.JobId} to {job}: {e.Message}");
        }
    }

    /// <summary>The target of a transfer job: DIR/JOB/transfer-predictions.csv, "id,probability" for every row of its own table.</summary>
    public static void SaveTransferPredictions(TransferPredictions predictions, string folder)
    {
        if (!IsPlainJobId(predictions.JobId))
        {
            Console.Error.WriteLine("party: not writing a transfer job's predictions: its job id is not a plain file name (letters, digits, '-', '_', '.').");
            return;
        }

        var job = Path.Combine(folder, predictions.JobId);
        try
        {
            Directory.CreateDirectory(job);
            WriteReplacing(Path.Combine(job, "transfer-predictions.csv"), stream =>
            {
                using var writer = new StreamWriter(stream, new System.Text.UTF8Encoding(false), leaveOpen: true);
                writer.WriteLine("id,probability");
                for (var row = 0; row < predictions.Ids.Count; row++)
                {
                    writer.WriteLine(string.Create(CultureInfo.InvariantCulture, $"{CsvCell.Quote(predictions.Ids[row])},{predictions.Probabilities[row]:R}"));
                }
            });
            Console.WriteLine($"vertical job {predictions.JobId}: wrote this party's transfer predictions for its {predictions.Ids.Count:N0} rows to {job}");
        }
        catch (Exception e) when (e is not OutOfMemoryException)
        {
            Console.Error.WriteLine($"party: could not write the transfer predictions of job {predictions.JobId} to {job}: {e.Message}");
        }
    }

    private static bool IsPlainJobId(string id) =>
        id.Length is > 0 and <= 128 && id is not "." and not ".." && id.All(c => char.IsAsciiLetterOrDigit(c) || c is '-' or '_' or '.');

    private static void WriteReplacing(string path, Action<Stream> write)
    {
        var partial = path + ".partial";
        using (var stream = File.Create(partial))
        {
            write(stream);
        }

        File.Move(partial, path, overwrite: true);
    }
}
