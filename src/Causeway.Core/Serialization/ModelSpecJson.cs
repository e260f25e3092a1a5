using System.Buffers;
using System.Text;
using System.Text.Json;
using Causeway.Core.Models;

namespace Causeway.Core.Serialization;

/// <summary>
/// The JSON form of a <see cref="ModelSpec"/>, as stored in a model file's <c>causeway.model</c> metadata:
/// <c>{"task":"multiclass","inputs":784,"outputs":10,"hidden":[200,200],"dropout":0.2}</c>.
/// </summary>
/// <remarks>Task names: <c>binary</c>, <c>multiclass</c>, <c>regression</c>. Unknown properties are ignored on read.</remarks>
public static class ModelSpecJson
{
    public static string Serialize(ModelSpec spec)
    {
        ArgumentNullException.ThrowIfNull(spec);
        var buffer = new ArrayBufferWriter<byte>();
        using (var json = new Utf8JsonWriter(buffer))
        {
            json.WriteStartObject();
            json.WriteString("task", TaskName(spec.Task));
            json.WriteNumber("inputs", spec.Inputs);
            json.WriteNumber("outputs", spec.Outputs);
            json.WriteStartArray("hidden");
            foreach (var width in spec.Hidden)
            {
                json.WriteNumberValue(width);
            }

            json.WriteEndArray();
            json.WriteNumber("dropout", spec.Dropout);
            json.WriteEndObject();
        }

        return Encoding.UTF8.GetString(buffer.WrittenSpan);
    }

    /// <exception cref="InvalidDataException">The text is not JSON, misses a field, or describes an invalid architecture.</exception>
    public static ModelSpec Deserialize(string json)
    {
        ArgumentNullException.ThrowIfNull(json);
        try
        {
            using var document = JsonDocument.Parse(json);
            var root = document.RootElement;
            if (root.ValueKind != JsonValueKind.Object)
            {
                throw new InvalidDataException($"A model spec must be a JSON object, not {root.ValueKind}.");
            }

            var task = ParseTask(Required(root, "task").GetString());
            var inputs = Required(root, "inputs").GetInt32();
            var outputs = Required(root, "outputs").GetInt32();
            var hidden = new List<int>();
            if (root.TryGetProperty("hidden", out var hiddenElement))
            {
                foreach (var width in hiddenElement.EnumerateArray())
                {
                    hidden.Add(width.GetInt32());
                }
            }

            var dropout = root.TryGetProperty("dropout", out var dropoutElement) ? dropoutElement.GetSingle() : 0f;
            return new ModelSpec(task, inputs, outputs, hidden, dropout);
        }
        catch (Exception e) when (e is JsonException or InvalidOperationException or FormatException or ArgumentException)
        {
            throw new InvalidDataException($"Invalid model spec: {e.Message}", e);
        }
    }

    private static JsonElement Required(JsonElement root, string name) =>
        root.TryGetProperty(name, out var element) ? element : throw new InvalidDataException($"The model spec has no '{name}'.");

    private static string TaskName(LearningTask task) => task switch
    {
        LearningTask.BinaryClassification => "binary",
        LearningTask.MulticlassClassification => "multiclass",
        LearningTask.Regression => "regression",
        _ => throw new ArgumentOutOfRangeException(nameof(task), task, "Unknown learning task."),
    };

    private static LearningTask ParseTask(string? name) => name switch
    {
        "binary" => LearningTask.BinaryClassification,
        "multiclass" => LearningTask.MulticlassClassification,
        "regression" => LearningTask.Regression,
        _ => throw new InvalidDataException($"Unknown task '{name}' (expected binary, multiclass or regression)."),
    };
}
