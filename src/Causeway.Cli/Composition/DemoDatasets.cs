using System.Text;
using Causeway.Core.Data;

namespace Causeway.Cli.Composition;

/// <summary>
/// The demo's data islands, cut from the bundled samples: each party gets its own training file and its own
/// held-out file, in the original format, so its process reads them exactly as a real party would read its own.
/// </summary>
internal static class DemoDatasets
{
    public sealed record PartyFiles(string PartyId, string Train, string Evaluation);

    public sealed record Prepared(string Name, string SchemaPath, IReadOnlyList<PartyFiles> Parties);

    public static IReadOnlyList<string> Names { get; } = ["adult", "heart"];

    public static Prepared Prepare(string dataset, string samples, string directory, int seed) => dataset switch
    {
        "adult" => Adult(samples, directory, seed),
        "heart" => Heart(samples, directory, seed),
        _ => throw new ArgumentException($"Unknown demo dataset '{dataset}'; choose {string.Join(" or ", Names)}."),
    };

    /// <summary>Finds the bundled samples folder: beside the CLI's build output in a clone, or under the working directory.</summary>
    public static string LocateSamples()
    {
        for (var directory = new DirectoryInfo(AppContext.BaseDirectory); directory is not null; directory = directory.Parent)
        {
            var candidate = Path.Combine(directory.FullName, "samples");
            if (File.Exists(Path.Combine(candidate, "adult", "schema.json")))
            {
                return candidate;
            }
        }

        var local = Path.GetFullPath("samples");
        return File.Exists(Path.Combine(local, "adult", "schema.json"))
            ? local
            : throw new DirectoryNotFoundException("Cannot find the bundled samples/ folder; run the demo from a Causeway clone.");
    }

    /// <summary>
    /// A user's own CSV: a seeded fifth of its rows held out, the rest and the held-out rows each dealt to
    /// <paramref name="parties"/> parties (party-1, party-2, ...), every party file with the header when the schema says
    /// there is one. Splits by line, so a quoted field must not span lines.
    /// </summary>
    public static Prepared FromCsv(string dataPath, string schemaPath, string directory, int parties, int seed)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(parties, 1);
        var schema = DataSchema.Load(schemaPath);
        var lines = File.ReadLines(dataPath).Where(l => !string.IsNullOrWhiteSpace(l)).ToList();
        var header = schema.Format.Header && lines.Count > 0 ? lines[0] : null;
        var rows = header is null ? lines : lines[1..];
        Shuffle(rows, new Random(seed));
        var held = Math.Max(parties, rows.Count / 5);
        if (rows.Count - held < parties)
        {
            throw new Output.CliException($"{dataPath} has {rows.Count} rows, too few for {parties} parties and a held-out fifth", "pass fewer --parties", exitCode: 2);
        }

        var trainParts = Deal(rows[held..], parties, seed + 1);
        var testParts = Deal(rows[..held], parties, seed + 2);
        var files = new List<PartyFiles>(parties);
        for (var k = 0; k < parties; k++)
        {
            var id = $"party-{k + 1}";
            List<string> WithHeader(List<string> part) => header is null ? part : [header, .. part];
            files.Add(new PartyFiles(id, Write(directory, $"{id}.train.csv", WithHeader(trainParts[k])), Write(directory, $"{id}.eval.csv", WithHeader(testParts[k]))));
        }

        return new Prepared($"{Path.GetFileName(dataPath)} split across {parties} parties", schemaPath, files);
    }

    /// <summary>UCI Adult: the training file dealt IID to three parties; the test file dealt the same way for evaluation.</summary>
    private static Prepared Adult(string samples, string directory, int seed)
    {
        var data = Path.Combine(samples, "data", "uci-adult");
        var trainParts = Deal(DataLines(Path.Combine(data, "adult.data")), 3, seed);
        var testParts = Deal(DataLines(Path.Combine(data, "adult.test")), 3, seed + 1);
        var parties = new List<PartyFiles>();
        for (var k = 0; k < 3; k++)
        {
            var id = $"branch-{k + 1}";
            parties.Add(new PartyFiles(id, Write(directory, $"{id}.train.csv", trainParts[k]), Write(directory, $"{id}.eval.csv", testParts[k])));
        }

        return new Prepared("UCI Adult split across 3 parties", Path.Combine(samples, "adult", "schema.json"), parties);
    }

    /// <summary>
    /// UCI Adult cut into <paramref name="parties"/> small IID slices: <paramref name="rows"/> training rows and a quarter
    /// as many held-out rows each, for measurements where local training should be short.
    /// </summary>
    public static Prepared AdultSlices(string samples, string directory, int parties, int rows, int seed)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(parties, 1);
        ArgumentOutOfRangeException.ThrowIfLessThan(rows, 1);
        var data = Path.Combine(samples, "data", "uci-adult");
        var trainParts = Deal(DataLines(Path.Combine(data, "adult.data")), parties, seed);
        var testParts = Deal(DataLines(Path.Combine(data, "adult.test")), parties, seed + 1);
        var held = Math.Max(1, rows / 4);
        var files = new List<PartyFiles>(parties);
        for (var k = 0; k < parties; k++)
        {
            if (trainParts[k].Count < rows || testParts[k].Count < held)
            {
                throw new ArgumentException($"UCI Adult has too few rows for {parties} parties of {rows} rows.", nameof(rows));
            }

            var id = $"party-{k + 1:D2}";
            files.Add(new PartyFiles(id, Write(directory, $"{id}.train.csv", trainParts[k][..rows]), Write(directory, $"{id}.eval.csv", testParts[k][..held])));
        }

        return new Prepared($"UCI Adult, {parties} parties x {rows} rows", Path.Combine(samples, "adult", "schema.json"), files);
    }

    /// <summary>
    /// The 8x8 handwritten digits (1,797 rows, 10 classes) as <paramref name="parties"/> IID islands: a seeded stratified
    /// 80/20 split (each class keeps a fifth of its rows for testing), then the training rows and the test rows each
    /// dealt round-robin after a seeded shuffle, so every party holds about the same class mix. The parties' held-out
    /// files together are exactly the test split, so an example-weighted federated evaluation is the test accuracy.
    /// </summary>
    public static Prepared DigitsSplit(string samples, string directory, int parties, int seed)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(parties, 1);
        var lines = DataLines(Path.Combine(samples, "data", "uci-digits-8x8", "sklearn_digits.csv"));
        var random = new Random(seed);
        var train = new List<string>();
        var test = new List<string>();
        foreach (var digit in lines.GroupBy(l => l[(l.LastIndexOf(',') + 1)..]).OrderBy(g => g.Key, StringComparer.Ordinal))
        {
            var rows = digit.ToList();
            Shuffle(rows, random);
            var held = (int)Math.Round(rows.Count * 0.2);
            test.AddRange(rows[..held]);
            train.AddRange(rows[held..]);
        }

        if (test.Count < parties)
        {
            throw new ArgumentException($"The digits have {test.Count} test rows, fewer than {parties} parties.", nameof(parties));
        }

        var trainParts = Deal(train, parties, seed + 1);
        var testParts = Deal(test, parties, seed + 2);
        var files = new List<PartyFiles>(parties);
        for (var k = 0; k < parties; k++)
        {
            var id = $"party-{k + 1:D2}";
            files.Add(new PartyFiles(id, Write(directory, $"{id}.train.csv", trainParts[k]), Write(directory, $"{id}.eval.csv", testParts[k])));
        }

        return new Prepared($"8x8 digits, {train.Count} training / {test.Count} test rows over {parties} parties", Path.Combine(samples, "digits", "schema.json"), files);
    }

    /// <summary>UCI Heart Disease: four real hospitals; each keeps a random fifth of its own patients for evaluation.</summary>
    private static Prepared Heart(string samples, string directory, int seed)
    {
        var data = Path.Combine(samples, "data", "uci-heart-disease");
        var parties = new List<PartyFiles>();
        foreach (var site in new[] { "cleveland", "hungarian", "switzerland", "va" })
        {
            var lines = DataLines(Path.Combine(data, $"processed.{site}.data"));
            Shuffle(lines, new Random(seed));
            var held = Math.Max(1, lines.Count / 5);
            parties.Add(new PartyFiles(
                site,
                Write(directory, $"{site}.train.csv", lines[held..]),
                Write(directory, $"{site}.eval.csv", lines[..held])));
        }

        return new Prepared("UCI Heart Disease, 4 hospitals", Path.Combine(samples, "heart", "schema.json"), parties);
    }

    internal static List<string> DataLines(string path) =>
        [.. File.ReadLines(path).Where(l => !string.IsNullOrWhiteSpace(l) && !l.StartsWith('|'))];

    private static List<string>[] Deal(List<string> lines, int parts, int seed)
    {
        Shuffle(lines, new Random(seed));
        var result = Enumerable.Range(0, parts).Select(_ => new List<string>()).ToArray();
        for (var i = 0; i < lines.Count; i++)
        {
            result[i % parts].Add(lines[i]);
        }

        return result;
    }

    internal static void Shuffle(List<string> lines, Random random)
    {
        for (var i = lines.Count - 1; i > 0; i--)
        {
            var j = random.Next(i + 1);
            (lines[i], lines[j]) = (lines[j], lines[i]);
        }
    }

    private static string Write(string directory, string name, List<string> lines)
    {
        var path = Path.Combine(directory, name);
        File.WriteAllLines(path, lines, new UTF8Encoding(false));
        return path;
    }
}
