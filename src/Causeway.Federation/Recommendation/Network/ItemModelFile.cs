using Causeway.Core.Serialization;
using Causeway.Core.Tensors;

namespace Causeway.Federation.Recommendation.Network;

/// <summary>
/// A recommendation run's item model as a file: safetensors (docs/model-format.md) with the tensors
/// <c>item_factors[n, k]</c>, <c>item_bias[n]</c> and <c>global_mean[]</c>, and the run's setup (model, plan, seed,
/// catalogue digest) in the metadata key <c>causeway.recommendation</c>. Item rows follow the catalogue the digest
/// names; <c>causeway model export-items</c> maps them back to item ids from the ratings file.
/// </summary>
public static class ItemModelFile
{
    /// <summary>The metadata key that holds the run's <see cref="RecommendationSetup"/> as JSON.</summary>
    public const string SetupKey = "causeway.recommendation";

    public static void Write(Stream stream, RecommendationSetup setup, ParameterSet items)
    {
        ArgumentNullException.ThrowIfNull(stream);
        ArgumentNullException.ThrowIfNull(setup);
        ArgumentNullException.ThrowIfNull(items);
        if (ItemModel.Describe(items.Layout) != (setup.Spec.Items, setup.Spec.Factors))
        {
            throw new ArgumentException($"The parameters ({items.Layout}) are not the setup's item model of {setup.Spec.Items} items and {setup.Spec.Factors} factors.", nameof(items));
        }

        SafeTensorsFile.Write(stream, items, new Dictionary<string, string>(StringComparer.Ordinal) { ["causeway.format"] = "1", [SetupKey] = setup.ToJson() });
    }

    /// <exception cref="InvalidDataException">Not a safetensors file, not an item model, or its setup does not parse; the message names <paramref name="sourceName"/>.</exception>
    public static (RecommendationSetup Setup, ParameterSet Items) Read(Stream stream, string sourceName)
    {
        ArgumentNullException.ThrowIfNull(stream);
        var (parameters, metadata) = SafeTensorsFile.Read(stream);
        if (!metadata.TryGetValue(SetupKey, out var setupJson))
        {
            throw new InvalidDataException($"{sourceName}: not a recommendation run's item model (no '{SetupKey}' metadata); download it with `causeway run model --run ID --out FILE` from a recommendation run.");
        }

        var setup = RecommendationSetup.Parse(setupJson, sourceName);
        return ItemModel.Describe(parameters.Layout) == (setup.Spec.Items, setup.Spec.Factors)
            ? (setup, parameters)
            : throw new InvalidDataException($"{sourceName}: the tensors ({parameters.Layout}) are not an item model of {setup.Spec.Items} items and {setup.Spec.Factors} factors.");
    }
}
