using System.Text;

namespace Causeway.EndToEnd.Tests.Infrastructure;

/// <summary>One party's files for a <c>causeway party</c> process.</summary>
public sealed record PartyFiles(string Id, string Train, string Evaluation, string Schema);

/// <summary>
/// The bundled UCI heart-disease rows (all four hospitals), shuffled with a fixed seed and dealt to
/// <c>hospital-1</c>..<c>hospital-N</c>, each keeping a fifth of its share for evaluation; for tests that start party processes.
/// </summary>
public static class HeartParties
{
    /// <summary>Writes each party's train and evaluation files, and every evaluation row in <c>all.eval.csv</c>, into <paramref name="work"/>.</summary>
    public static IReadOnlyList<PartyFiles> Write(string work, int parties)
    {
        var root = CliRunner.RepositoryRoot();
        var schema = Path.Combine(root, "samples", "heart", "schema.json");
        var lines = new[] { "cleveland", "hungarian", "switzerland", "va" }
            .SelectMany(site => File.ReadLines(Path.Combine(root, "samples", "data", "uci-heart-disease", $"processed.{site}.data")))
            .Where(l => !string.IsNullOrWhiteSpace(l) && !l.StartsWith('|'))
            .ToList();
        var random = new Random(11);
        for (var i = lines.Count - 1; i > 0; i--)
        {
            var j = random.Next(i + 1);
            (lines[i], lines[j]) = (lines[j], lines[i]);
        }

        var files = new List<PartyFiles>();
        var allEvaluation = new List<string>();
        for (var k = 0; k < parties; k++)
        {
            var share = lines.Where((_, i) => i % parties == k).ToList();
            var held = share.Count / 5;
            var id = $"hospital-{k + 1}";
            var train = Path.Combine(work, $"{id}.train.csv");
            var evaluation = Path.Combine(work, $"{id}.eval.csv");
            File.WriteAllLines(train, share[held..], new UTF8Encoding(false));
            File.WriteAllLines(evaluation, share[..held], new UTF8Encoding(false));
            allEvaluation.AddRange(share[..held]);
            files.Add(new PartyFiles(id, train, evaluation, schema));
        }

        File.WriteAllLines(Path.Combine(work, "all.eval.csv"), allEvaluation, new UTF8Encoding(false));
        return files;
    }
}
