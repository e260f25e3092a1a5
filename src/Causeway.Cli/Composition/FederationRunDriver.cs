using Causeway.Coordinator.Runs;
using Causeway.Core.Data;
using Causeway.Federation.Configuration;

namespace Causeway.Cli.Composition;

/// <summary>The coordinator's run driver: the round engine, with the model's shape taken from the federation schema.</summary>
internal static class FederationRunDriver
{
    public static IRunDriver Create() => new RoundEngineRunDriver(config =>
    {
        var path = config.Data.Schema
            ?? throw new ArgumentException("data.schema is required: the coordinator sizes the model from the federation's schema.");
        var schema = DataSchema.Load(path);
        return config.ToModelSpec(FeatureEncoder.FeatureCount(schema), FeatureEncoder.OutputCount(schema), FeatureEncoder.TaskOf(schema));
    });
}
