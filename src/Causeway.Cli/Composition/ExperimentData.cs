using Causeway.Core.Data;
using Causeway.Federation.Configuration;
using Causeway.Federation.Simulation;

namespace Causeway.Cli.Composition;

/// <summary>
/// Loads the tables a run configuration names (paths relative to the configuration file) and encodes them
/// with the federation's statistics.
/// </summary>
/// <remarks>
/// In a simulation the statistics are computed over the whole training table. Because <see cref="FeatureStatistics"/>
/// sums exactly, this equals, bit for bit, what merging every virtual party's own statistics would give, which is
/// what a networked federation does.
/// </remarks>
internal sealed record ExperimentData(SimulationData Simulation, string SchemaJson, FeatureStatistics Statistics)
{
    public static ExperimentData Load(RunConfig config, string configPath)
    {
        var baseDirectory = Path.GetDirectoryName(Path.GetFullPath(configPath)) ?? Directory.GetCurrentDirectory();
        var schemaPath = Resolve(baseDirectory, config.Data.Schema, "data.schema", configPath);
        var trainPath = Resolve(baseDirectory, config.Data.Train, "data.train", configPath);
        var testPath = config.Data.Test is null ? null : Resolve(baseDirectory, config.Data.Test, "data.test", configPath);

        var schemaJson = File.ReadAllText(schemaPath);
        var schema = DataSchema.Parse(schemaJson, schemaPath);
        var train = TableReader.Read(trainPath, schema);
        var statistics = FeatureStatistics.Compute(train);
        var test = testPath is null ? null : FeatureEncoder.Encode(TableReader.Read(testPath, schema), schema, statistics);

        IReadOnlyList<string>? keys = null;
        if (config.Partition.Scheme == PartitionScheme.Column)
        {
            keys = PartitionKeys(train, config.Partition.Column!, configPath);
        }

        var simulation = new SimulationData(
            FeatureEncoder.Encode(train, schema, statistics), test, FeatureEncoder.TaskOf(schema), FeatureEncoder.OutputCount(schema), keys);
        return new ExperimentData(simulation, schemaJson, statistics);
    }

    private static string Resolve(string baseDirectory, string? path, string field, string configPath)
    {
        if (string.IsNullOrWhiteSpace(path))
        {
            throw new RunConfigException(configPath, null, field, "is required to load data");
        }

        var full = Path.GetFullPath(path, baseDirectory);
        return File.Exists(full)
            ? full
            : throw new RunConfigException(configPath, null, field, $"names '{path}', which does not exist (looked for {full}; paths are relative to the configuration file)");
    }

    private static string[] PartitionKeys(DataTable table, string column, string configPath)
    {
        var schema = table.Schema.Find(column)
            ?? throw new RunConfigException(configPath, null, "partition.column", $"'{column}' is not a column of the schema");
        return schema.Type switch
        {
            ColumnType.Categorical => [.. table.Categorical(column).Select(i => i < 0 ? "(missing)" : schema.Categories[i])],
            ColumnType.Id => table.Ids(column),
            ColumnType.Numeric => [.. table.Numeric(column).Select(v => double.IsNaN(v) ? "(missing)" : v.ToString(System.Globalization.CultureInfo.InvariantCulture))],
            _ => throw new RunConfigException(configPath, null, "partition.column", $"'{column}' is a {schema.Type} column; partition by a categorical, id or numeric column"),
        };
    }
}
