using System.Text.Json;

namespace Causeway.Federation.Vertical.Training;

/// <summary>
/// A vertical simulation: one table split by columns among parties, trained vertically and centrally, evaluated on a
/// held-out split. Paths are relative to the config file.
/// </summary>
/// <remarks>
/// <code>
/// { "name": "adult-vertical", "seed": 42,
///   "data": { "schema": "../adult/schema.json", "train": "../data/uci-adult/adult.data", "test": "../data/uci-adult/adult.test" },
///   "parties": ["census", "bank"],                       // the first is the guest (it holds the label)
///   "columns": { "age": "census", "capital-gain": "bank", ... },
///   "model": { "type": "logistic" },                     // logistic | linear | split-nn
///   "training": { "epochs": 10, "batchSize": 256, "learningRate": 0.15, "l2": 0 },
///   "encryption": { "mode": "arbiter", "keyBits": 2048, "rows": 2000 } }
/// </code>
/// Without <c>data.test</c>, <c>data.testFraction</c> (default 0.3) of the rows, drawn with the seed, are held out.
/// <c>encryption.rows</c> limits the encrypted run to that many training rows (Paillier is slow); the plain vertical
/// run always uses every row.
/// </remarks>
public sealed record VerticalSimulationConfig
{
    /// <summary>A name for reports.</summary>
    public string Name { get; init; } = "vertical";

    /// <summary>Seed of the held-out split, batch order and initialisation.</summary>
    public int Seed { get; init; } = 42;

    /// <summary>Schema and table files.</summary>
    public VerticalDataConfig Data { get; init; } = new();

    /// <summary>Party names; the first is the guest.</summary>
    public IReadOnlyList<string> Parties { get; init; } = [];

    /// <summary>Column name → party name, for every numeric and categorical column of the schema.</summary>
    public IReadOnlyDictionary<string, string> Columns { get; init; } = new Dictionary<string, string>();

    /// <summary>The model.</summary>
    public VerticalModelConfig Model { get; init; } = new();

    /// <summary>Training settings.</summary>
    public VerticalTrainingConfig Training { get; init; } = new();

    /// <summary>Encryption of the linear models.</summary>
    public VerticalEncryptionConfig Encryption { get; init; } = new();

    /// <summary>Reads a config; relative data paths are resolved against its folder.</summary>
    /// <exception cref="VerticalConfigException">The file is not valid JSON or breaks a rule; the message names the file and field.</exception>
    public static VerticalSimulationConfig Load(string path)
    {
        VerticalSimulationConfig? config;
        try
        {
            config = JsonSerializer.Deserialize<VerticalSimulationConfig>(File.ReadAllText(path), VerticalConfigJson.Options);
        }
        catch (JsonException e)
        {
            throw new VerticalConfigException($"{path}: {e.Message}", e);
        }
        catch (IOException e)
        {
            throw new VerticalConfigException($"{path}: cannot read the config ({e.Message}).", e);
        }

        if (config is null)
        {
            throw new VerticalConfigException($"{path}: the config is empty (null).");
        }

        var folder = Path.GetDirectoryName(Path.GetFullPath(path))!;
        config = config with
        {
            Data = config.Data with
            {
                Schema = Resolve(folder, config.Data.Schema),
                Train = Resolve(folder, config.Data.Train),
                Test = config.Data.Test is null ? null : Resolve(folder, config.Data.Test),
            },
        };
        config.Validate(path);
        return config;
    }

    /// <summary>Checks the settings that do not need the schema.</summary>
    /// <exception cref="VerticalConfigException">The message names the source and the field.</exception>
    public void Validate(string source)
    {
        string? problem = null;
        if (string.IsNullOrEmpty(Data.Schema) || string.IsNullOrEmpty(Data.Train))
        {
            problem = "data.schema and data.train are required";
        }
        else if (Data.TestFraction is <= 0 or >= 1)
        {
            problem = $"data.testFraction must lie in (0, 1); got {Data.TestFraction}";
        }
        else if (Parties.Count is < 2 or > 8 || Parties.Distinct(StringComparer.Ordinal).Count() != Parties.Count)
        {
            problem = $"parties must list 2 to 8 distinct names (the first is the guest); got {Parties.Count}";
        }
        else if (Columns.FirstOrDefault(pair => !Parties.Contains(pair.Value)) is { Key: not null } stray)
        {
            problem = $"columns.{stray.Key} names party '{stray.Value}', which is not in parties";
        }
        else if (Training.Epochs < 1 || Training.BatchSize < 1 || !(Training.LearningRate > 0) || Training.L2 < 0)
        {
            problem = "training needs epochs ≥ 1, batchSize ≥ 1, learningRate > 0 and l2 ≥ 0";
        }
        else if (Encryption.Rows is < 1)
        {
            problem = "encryption.rows must be at least 1";
        }
        else if (Model.Type == VerticalModelType.SplitNn && Encryption.Mode != VerticalEncryption.None)
        {
            problem = "the split neural network exchanges embeddings in the clear; set encryption.mode to none";
        }
        else if (Model.Type == VerticalModelType.SplitNn && (Model.Embedding < 1 || Model.Hidden.Any(h => h < 1)))
        {
            problem = "model.embedding and every model.hidden size must be at least 1";
        }

        if (problem is not null)
        {
            throw new VerticalConfigException($"{source}: {problem}.");
        }
    }

    private static string Resolve(string folder, string path) => string.IsNullOrEmpty(path) ? path : Path.GetFullPath(Path.Combine(folder, path));
}
