using System.Globalization;
using System.Text;
using Causeway.Fuzz;
using SharpFuzz;

// causeway-fuzz: the fuzzing harness (docs/fuzzing.md). Not part of the product; nothing in src/ references it.
const string Usage = """
    usage: causeway-fuzz <target>                        run under afl-fuzz (SharpFuzz; fuzz/run.sh starts it)
           causeway-fuzz list                            the targets and their contracts
           causeway-fuzz seed <corpus-dir> <dict-dir>    write every target's seed corpus and AFL dictionary
           causeway-fuzz replay <target> <file|dir>...   run inputs once (a crash or hang from AFL), print each outcome
           causeway-fuzz smoke <target|all> [--inputs N] [--seed S] [--corpus DIR]
                                                         the in-test run: corpus plus N seeded mutations (default 3000)
    """;

if (args.Length == 0)
{
    Console.Error.WriteLine(Usage);
    return 2;
}

switch (args[0])
{
    case "list":
        foreach (var target in FuzzTargets.All)
        {
            Console.WriteLine($"{target.Name,-18} {target.Summary}");
        }

        return 0;
    case "seed" when args.Length == 3:
        foreach (var target in FuzzTargets.All)
        {
            var folder = Directory.CreateDirectory(Path.Combine(args[1], target.Name));
            foreach (var seed in target.Seeds())
            {
                File.WriteAllBytes(Path.Combine(folder.FullName, seed.Name), seed.Bytes);
            }

            Directory.CreateDirectory(args[2]);
            if (target.Tokens.Count > 0)
            {
                File.WriteAllLines(Path.Combine(args[2], $"{target.Name}.dict"), target.Tokens.Select((t, i) => $"t{i}=\"{Escape(t)}\""));
            }
        }

        return 0;
    case "replay" when args.Length >= 3:
        return Replay(Find(args[1]), args[2..]);
    case "smoke" when args.Length >= 2:
        return Smoke(args[1], args[2..]);
    default:
        if (args.Length != 1 || FuzzTargets.Find(args[0]) is not { } aflTarget)
        {
            Console.Error.WriteLine(Usage);
            return 2;
        }

        // Out of process: SharpFuzz restarts the child after an uncatchable failure (stack overflow) instead of stopping AFL.
        Fuzzer.OutOfProcess.Run(stream =>
        {
            using var copy = new MemoryStream();
            stream.CopyTo(copy);
            aflTarget.Execute(copy.GetBuffer().AsSpan(0, (int)copy.Length));
        });
        return 0;
}

static FuzzTarget Find(string name) =>
    FuzzTargets.Find(name) ?? throw new ArgumentException($"Unknown target '{name}'; `causeway-fuzz list` names them.", nameof(name));

static int Replay(FuzzTarget target, string[] paths)
{
    var files = paths.SelectMany<string, string>(p => Directory.Exists(p) ? Directory.EnumerateFiles(p).Order(StringComparer.Ordinal) : [p]);
    var violations = 0;
    foreach (var file in files)
    {
        try
        {
            Console.WriteLine($"{target.Execute(File.ReadAllBytes(file)).ToString().ToLowerInvariant(),-9} {file}");
        }
        catch (Exception e)
        {
            violations++;
            Console.WriteLine($"VIOLATION {file}\n{e}");
        }
    }

    return violations == 0 ? 0 : 1;
}

static int Smoke(string name, string[] options)
{
    var inputs = 3000;
    var seed = 1;
    string? corpusRoot = null;
    for (var i = 0; i + 1 < options.Length; i += 2)
    {
        switch (options[i])
        {
            case "--inputs":
                inputs = int.Parse(options[i + 1], CultureInfo.InvariantCulture);
                break;
            case "--seed":
                seed = int.Parse(options[i + 1], CultureInfo.InvariantCulture);
                break;
            case "--corpus":
                corpusRoot = options[i + 1];
                break;
            default:
                throw new ArgumentException($"Unknown option '{options[i]}'.", nameof(options));
        }
    }

    var violations = 0;
    foreach (var target in name == "all" ? FuzzTargets.All : [Find(name)])
    {
        var corpus = target.Seeds().Select(s => s.Bytes).ToList();
        if (corpusRoot is not null && Directory.Exists(Path.Combine(corpusRoot, target.Name)))
        {
            corpus.AddRange(Directory.EnumerateFiles(Path.Combine(corpusRoot, target.Name)).Order(StringComparer.Ordinal).Select(File.ReadAllBytes));
        }

        var started = System.Diagnostics.Stopwatch.GetTimestamp();
        var report = ShortRun.Run(target, corpus, inputs, seed, maxBytes: 64 * 1024, stallLimit: TimeSpan.FromSeconds(60));
        var elapsed = System.Diagnostics.Stopwatch.GetElapsedTime(started);
        Console.WriteLine($"{report.Target,-18} {report.Inputs,7} inputs  {report.Accepted,6} accepted  {report.Refused,6} refused  {report.Findings.Count} violations  {elapsed.TotalSeconds:0.0} s");
        foreach (var finding in report.Findings)
        {
            violations++;
            Console.WriteLine($"  {finding}");
        }
    }

    return violations == 0 ? 0 : 1;
}

// AFL dictionary values are C-like strings: quotes, backslashes and non-printable bytes as \xNN.
static string Escape(string token)
{
    var text = new StringBuilder();
    foreach (var b in Encoding.UTF8.GetBytes(token))
    {
        text.Append(b is >= 0x20 and < 0x7F and not (byte)'"' and not (byte)'\\' ? ((char)b).ToString() : $"\\x{b:X2}");
    }

    return text.ToString();
}
