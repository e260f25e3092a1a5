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
internal sealed record ExperimentData(SimulationData Simulation, string SchemaJson, FeatureStatistics Statistics, IReadOnlyList<string> Warnings)
{
    /// <summary>A party with fewer SGD steps a round than this is warned about: it barely moves the model. 5.</summary>
    public const int FewStepsPerRound = 5;

    public static ExperimentData Load(RunConfig config, string configPath)
    {
        var baseDirectory = Path.GetDirectoryName(Path.GetFullPath(configPath)) ?? Directory.GetCurrentDirectory();
        var schemaPath = Resolve(baseDirectory, config.Data.Schema, "data.schema", configPath);
        var trainPath = Resolve(baseDirectory, config.Data.Train, "data.train", configPath);
        var testPath = config.Data.Test is null ? null : Resolve(baseDirectory, config.Data.Test, "data.test", configPath);

        var schemaJson = File.ReadAllText(schemaPath);
        var schema = DataSchema.Parse(schemaJson, schemaPath);
        var train = TableReader.Read(trainPath, schema);
        var test = testPath is null ? null : TableReader.Read(testPath, schema);
        var warnings = new List<string>();
        warnings.AddRange(UnknownCategories(train));
        if (config.Data.TestFraction is not null)
        {
            var (trainRows, testRows) = Simulator.HoldOutSplit(config, train.Labels, schema.Label.Regression ? 0 : schema.Label.Classes.Count);
            (train, test) = (train.Select(trainRows), train.Select(testRows));
        }
        else if (test is null)
        {
            warnings.Add("no test rows (data.test, data.testFraction or --test-fraction): the global model is not evaluated and no centralised baseline is trained");
        }
        else
        {
            warnings.AddRange(UnknownCategories(test));
        }

        // Statistics from the training rows only: a held-out row must not shape its own standardisation.
        var statistics = FeatureStatistics.Compute(train);
        IReadOnlyList<string>? keys = null;
        if (config.Partition.Scheme == PartitionScheme.Column)
        {
            keys = PartitionKeys(train, config.Partition.Column!, configPath);
        }

        var simulation = new SimulationData(
            FeatureEncoder.Encode(train, schema, statistics), test is null ? null : FeatureEncoder.Encode(test, schema, statistics),
            FeatureEncoder.TaskOf(schema), FeatureEncoder.OutputCount(schema), keys);
        warnings.AddRange(IdLikeNumericColumns(train));
        warnings.AddRange(SmallParties(config, simulation));
        return new ExperimentData(simulation, schemaJson, statistics, warnings);
    }

    // Values outside a categorical column's list are encoded as all-zero features: say so, since a category the schema
    // forgot is usually a mistake.
    private static IEnumerable<string> UnknownCategories(DataTable table) =>
        table.UnknownCategoryCounts.Select(p =>
            $"{table.SourceName}, column '{p.Key}': {p.Value:N0} values are not among the schema's categories and were encoded as all zeros; add them to \"categories\" (or set \"unknown\": \"error\" to refuse them)");

    // A numeric column whose values are distinct integers is usually a row or record number, which a model should not learn from.
    private static IEnumerable<string> IdLikeNumericColumns(DataTable table)
    {
        if (table.Rows < 20)
        {
            yield break;
        }

        foreach (var column in table.Schema.Columns.Where(c => c.Type == ColumnType.Numeric))
        {
            var values = table.Numeric(column.Name);
            if (values.All(v => v == Math.Floor(v)) && values.Distinct().Count() == values.Length)
            {
                yield return $"column '{column.Name}' is numeric but its {values.Length:N0} values are distinct integers, like a row number: it is trained on; if it identifies rows, make it \"type\": \"id\"";
            }
        }
    }

    // A party whose rows make fewer than FewStepsPerRound SGD steps a round contributes little (a held-out set lost
    // 7 points of accuracy that way): name the smallest party and what would help.
    private static IEnumerable<string> SmallParties(RunConfig config, SimulationData data)
    {
        var plan = config.ToTrainingPlan();
        var parts = Simulator.Partition(config, data);
        if (parts.Count == 0 || plan.BatchSize <= 0)
        {
            yield break;
        }

        var smallest = parts.MinBy(p => p.Rows.Length);
        var steps = (long)Math.Ceiling(smallest.Rows.Length / (double)plan.BatchSize) * plan.Epochs;
        if (steps < FewStepsPerRound)
        {
            yield return $"party {smallest.Party} holds {smallest.Rows.Length:N0} rows: {steps} SGD steps a round at batch {plan.BatchSize} and {plan.Epochs} epoch(s); "
                + "fewer parties (--parties), more local epochs (training.epochs) or a smaller batch (training.batchSize) let small parties learn";
        }
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
