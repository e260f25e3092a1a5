using System.Text;
using Causeway.Federation.Vertical.Network;
using Causeway.Federation.Vertical.Training;

namespace Causeway.Fuzz.Targets;

/// <summary>A vertical job through <see cref="VerticalJobConfig.Parse"/> (the coordinator's vertical endpoint and the CLI read it so).</summary>
internal sealed class VerticalJobTarget : FuzzTarget
{
    public override string Name => "vertical-job";

    public override string Summary => "VerticalJobConfig.Parse (parse + validate); refusals: VerticalConfigException";

    public override IReadOnlyList<string> Tokens =>
    [
        "\"name\"", "\"guest\"", "\"hosts\"", "\"arbiter\"", "\"psi\"", "\"mode\"", "\"reveal-to-all\"", "\"reveal-to-guest\"", "\"cardinality-only\"",
        "\"batchSize\"", "\"training\"", "\"loss\"", "\"taylor-logistic\"", "\"encryption\"", "\"two-party\"", "\"none\"", "\"epochs\"", "\"learningRate\"",
        "\"l2\"", "\"seed\"", "\"splitNetwork\"", "\"hidden\"", "\"embedding\"", "\"topHidden\"", "\"keyBits\"", "\"holdout\"", "\"fraction\"",
        "\"stepTimeoutSeconds\"", "null", "[]", "{}", "-1", "0", "1e308", "2147483648",
    ];

    public override IEnumerable<FuzzSeed> Seeds()
    {
        foreach (var file in SampleFiles.Configs().Where(f => f.Name.Contains("vertical-job", StringComparison.Ordinal)))
        {
            yield return file;
        }

        yield return new("split-network.json", Encoding.UTF8.GetBytes("""
            { "name": "split", "guest": "g", "hosts": ["h1", "h2"], "psi": { "mode": "reveal-to-all", "batchSize": 1024 },
              "splitNetwork": { "hidden": [16], "embedding": 8, "topHidden": 8, "epochs": 2, "batchSize": 64, "learningRate": 0.05, "seed": 3 },
              "holdout": { "fraction": 0.2, "seed": 1 }, "stepTimeoutSeconds": 60 }
            """));
        yield return new("align-only.json", Encoding.UTF8.GetBytes("""{ "guest": "g", "hosts": ["h"], "psi": { "mode": "cardinality-only" } }"""));
    }

    protected override FuzzOutcome Run(ReadOnlySpan<byte> input)
    {
        try
        {
            _ = VerticalJobConfig.Parse(Encoding.UTF8.GetString(input), "fuzz.json");
            return FuzzOutcome.Accepted;
        }
        catch (VerticalConfigException)
        {
            return FuzzOutcome.Refused;
        }
    }
}
