using System.Text;
using Causeway.Federation.Configuration;

namespace Causeway.Fuzz.Targets;

/// <summary>
/// A run configuration through <see cref="RunConfig.Parse"/> and <see cref="RunConfig.Validate"/> at every site; a
/// configuration that validates for the network is then turned into what a run starts with (plan, strategy, engine options).
/// </summary>
internal sealed class RunConfigTarget : FuzzTarget
{
    public override string Name => "run-config";

    public override string Summary =>
        "RunConfig.Parse + Validate (every site) + ToTrainingPlan/ToStrategyOptions/ToRoundEngineOptions when valid; refusals: RunConfigException (Validate returns errors as data)";

    public override IReadOnlyList<string> Tokens =>
    [
        "\"name\"", "\"seed\"", "\"rounds\"", "\"model\"", "\"type\"", "\"hidden\"", "\"training\"", "\"epochs\"", "\"batchSize\"", "\"learningRate\"",
        "\"optimizer\"", "\"strategy\"", "\"fedavg\"", "\"fedprox\"", "\"fedadam\"", "\"mu\"", "\"sampling\"", "\"fraction\"", "\"minParties\"",
        "\"round\"", "\"minResults\"", "\"data\"", "\"partition\"", "\"dirichlet\"", "\"alpha\"", "\"evaluation\"", "\"aggregation\"", "\"rule\"",
        "\"krum\"", "\"trimmed-mean\"", "\"privacy\"", "\"client\"", "\"sample\"", "\"clipNorm\"", "\"noiseMultiplier\"", "\"epsilon\"", "\"delta\"",
        "\"protection\"", "\"secagg\"", "\"paillier\"", "\"attack\"", "null", "[]", "{}", "-1", "0", "1e308", "18446744073709551615", "2147483648",
    ];

    public override IEnumerable<FuzzSeed> Seeds() => SampleFiles.Configs().Where(f => !f.Name.Contains("vertical", StringComparison.Ordinal));

    protected override FuzzOutcome Run(ReadOnlySpan<byte> input)
    {
        RunConfig config;
        try
        {
            config = RunConfig.Parse(Encoding.UTF8.GetString(input), "fuzz.json");
        }
        catch (RunConfigException)
        {
            return FuzzOutcome.Refused;
        }

        var valid = false;
        foreach (var site in Enum.GetValues<RunSite>())
        {
            valid |= site == RunSite.Network && config.Validate(site).Count == 0;
        }

        if (!valid)
        {
            return FuzzOutcome.Refused;
        }

        _ = config.ToTrainingPlan();
        _ = config.ToStrategyOptions();
        _ = config.ToRoundEngineOptions();
        return FuzzOutcome.Accepted;
    }
}
