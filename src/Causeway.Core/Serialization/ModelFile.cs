using Causeway.Core.Models;
using Causeway.Core.Tensors;

namespace Causeway.Core.Serialization;

/// <summary>
/// A trained model on disk (<c>.cw</c>): a safetensors file whose metadata carries the architecture, so the
/// file alone rebuilds the network. See docs/model-format.md.
/// </summary>
public static class ModelFile
{
    /// <summary>Metadata key holding <see cref="ModelSpecJson"/> of the model's architecture.</summary>
    public const string ModelKey = "causeway.model";

    /// <summary>Metadata key holding the format version, currently <see cref="FormatVersion"/>.</summary>
    public const string FormatKey = "causeway.format";

    public const string FormatVersion = "1";

    /// <summary>
    /// Writes the model to <paramref name="path"/> (via a temporary file and a rename, so a crash never leaves half a model).
    /// <paramref name="extraMetadata"/> may add any keys except the two <c>causeway.*</c> keys above.
    /// </summary>
    public static void Save(string path, ModelSpec spec, ParameterSet parameters, IReadOnlyDictionary<string, string>? extraMetadata = null)
    {
        ArgumentException.ThrowIfNullOrEmpty(path);
        var temporary = $"{path}.{Environment.ProcessId}.tmp";
        try
        {
            using (var stream = new FileStream(temporary, FileMode.Create, FileAccess.Write, FileShare.None))
            {
                Write(stream, spec, parameters, extraMetadata);
                stream.Flush(flushToDisk: true);
            }

            File.Move(temporary, path, overwrite: true);
        }
        finally
        {
            File.Delete(temporary);
        }
    }

    /// <summary>Writes the model file's bytes to <paramref name="stream"/> (an HTTP response, say).</summary>
    public static void Write(Stream stream, ModelSpec spec, ParameterSet parameters, IReadOnlyDictionary<string, string>? extraMetadata = null)
    {
        ArgumentNullException.ThrowIfNull(stream);
        ArgumentNullException.ThrowIfNull(spec);
        ArgumentNullException.ThrowIfNull(parameters);
        var mismatch = DenseNetwork.CreateLayout(spec).DescribeMismatch(parameters.Layout);
        if (mismatch is not null)
        {
            throw new ArgumentException($"The parameters do not fit a {spec.DisplayName}: {mismatch}.", nameof(parameters));
        }

        var metadata = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var (key, value) in extraMetadata ?? new Dictionary<string, string>())
        {
            if (key is ModelKey or FormatKey)
            {
                throw new ArgumentException($"The metadata key '{key}' is reserved.", nameof(extraMetadata));
            }

            metadata[key] = value;
        }

        metadata[ModelKey] = ModelSpecJson.Serialize(spec);
        metadata[FormatKey] = FormatVersion;
        SafeTensorsFile.Write(stream, parameters, metadata);
    }

    /// <summary>Reads a model written by <see cref="Save"/>; the metadata returned includes the <c>causeway.*</c> keys.</summary>
    /// <exception cref="InvalidDataException">The file is not a valid Causeway model.</exception>
    public static (ModelSpec Spec, ParameterSet Parameters, IReadOnlyDictionary<string, string> Metadata) Load(string path)
    {
        ArgumentException.ThrowIfNullOrEmpty(path);
        using var stream = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.Read);
        return Read(stream, $"'{path}'");
    }

    /// <summary>Reads a model's bytes from <paramref name="stream"/>; <paramref name="name"/> says what it is in error messages.</summary>
    /// <exception cref="InvalidDataException">The bytes are not a valid Causeway model.</exception>
    public static (ModelSpec Spec, ParameterSet Parameters, IReadOnlyDictionary<string, string> Metadata) Read(Stream stream, string name)
    {
        ArgumentNullException.ThrowIfNull(stream);
        ParameterSet parameters;
        IReadOnlyDictionary<string, string> metadata;
        try
        {
            (parameters, metadata) = SafeTensorsFile.Read(stream);
        }
        catch (InvalidDataException e)
        {
            throw new InvalidDataException($"{name}: {e.Message}", e);
        }

        if (metadata.TryGetValue(FormatKey, out var version) && version != FormatVersion)
        {
            throw new InvalidDataException($"{name} is a Causeway model of format version {version}; this build reads version {FormatVersion}.");
        }

        if (!metadata.TryGetValue(ModelKey, out var specJson))
        {
            throw new InvalidDataException($"{name} is a safetensors file but not a Causeway model: it has no '{ModelKey}' metadata.");
        }

        var spec = ModelSpecJson.Deserialize(specJson);
        var mismatch = DenseNetwork.CreateLayout(spec).DescribeMismatch(parameters.Layout);
        if (mismatch is not null)
        {
            throw new InvalidDataException($"{name}: the tensors do not fit the stored {spec.DisplayName}: {mismatch}.");
        }

        return (spec, parameters, metadata);
    }
}
