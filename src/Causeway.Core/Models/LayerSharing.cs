using Causeway.Core.Tensors;
using Causeway.Core.Training;

namespace Causeway.Core.Models;

/// <summary>
/// Which parameters of a dense network a round trains and which it exchanges, from a plan's
/// <see cref="TrainingPlan.FrozenLayers"/> and <see cref="TrainingPlan.PersonalLayers"/>.
/// </summary>
/// <remarks>
/// Layer i owns tensors 2i (weights) and 2i + 1 (bias) of <see cref="DenseNetwork.CreateLayout"/>, so with L layers, F
/// frozen and P personal, the flat buffer splits into three ranges:
/// <c>[0, frozen end)</c> frozen (neither trained nor sent), <c>[frozen end, personal start)</c> shared (trained, sent,
/// aggregated) and <c>[personal start, end)</c> personal (trained, kept by the party). A party's update holds the shared
/// tensors only, so its upload shrinks by the frozen and personal layers; the coordinator places it back in the full
/// layout with zeros elsewhere (<see cref="Expand"/>), so aggregation, server optimizers and the global model's layout do
/// not change, and the frozen and personal ranges of the global model stay as the run began.
/// </remarks>
public sealed class LayerSharing
{
    private LayerSharing(ParameterLayout full, int firstShared, int sharedTensors)
    {
        Full = full;
        FirstSharedTensor = firstShared;
        Shared = new ParameterLayout(full.Tensors.Skip(firstShared).Take(sharedTensors));
        var start = full.OffsetAt(firstShared);
        SharedElements = new Range(start, start + Shared.TotalLength);
    }

    /// <summary>The model's whole layout.</summary>
    public ParameterLayout Full { get; }

    /// <summary>The layout of the tensors a party sends.</summary>
    public ParameterLayout Shared { get; }

    /// <summary>The index of the first shared tensor in <see cref="Full"/>.</summary>
    public int FirstSharedTensor { get; }

    /// <summary>The shared tensors' elements in the full buffer.</summary>
    public Range SharedElements { get; }

    /// <summary>The frozen layers' elements (the start of the buffer), which training leaves unchanged.</summary>
    public Range FrozenElements => new(0, SharedElements.Start);

    /// <summary>The personal layers' elements (the end of the buffer), which the party keeps.</summary>
    public Range PersonalElements => new(SharedElements.End, Full.TotalLength);

    /// <summary>
    /// The sharing of a dense network of layout <paramref name="layout"/> under <paramref name="plan"/>, or null when the
    /// plan freezes and keeps nothing (the whole model is trained and sent).
    /// </summary>
    /// <exception cref="ArgumentException">The plan leaves no layer to share (<see cref="Problem"/>).</exception>
    public static LayerSharing? Of(ParameterLayout layout, TrainingPlan plan)
    {
        ArgumentNullException.ThrowIfNull(layout);
        ArgumentNullException.ThrowIfNull(plan);
        if (plan.FrozenLayers == 0 && plan.PersonalLayers == 0)
        {
            return null;
        }

        var layers = layout.Tensors.Count / 2;
        if (Problem(layers, plan.FrozenLayers, plan.PersonalLayers) is { } problem)
        {
            throw new ArgumentException(problem, nameof(plan));
        }

        return new LayerSharing(layout, 2 * plan.FrozenLayers, 2 * (layers - plan.FrozenLayers - plan.PersonalLayers));
    }

    /// <summary>Why <paramref name="frozen"/> frozen and <paramref name="personal"/> personal layers do not fit a network of <paramref name="layers"/> layers, or null.</summary>
    public static string? Problem(int layers, int frozen, int personal) =>
        frozen < 0 || personal < 0 ? $"frozen and personal layers must be 0 or more, got {frozen} and {personal}"
        : frozen + personal >= layers ? $"{frozen} frozen and {personal} personal layers leave none of the model's {layers} layers to share"
            + (layers == 1 ? " (a model without hidden layers has one: use model.type mlp with hidden layers)" : string.Empty)
        : null;

    /// <summary>The shared part of <paramref name="full"/> (a copy), as a party sends it.</summary>
    /// <exception cref="ArgumentException"><paramref name="full"/> does not have the <see cref="Full"/> layout.</exception>
    public ParameterSet Share(ParameterSet full)
    {
        ArgumentNullException.ThrowIfNull(full);
        if (Full.DescribeMismatch(full.Layout) is { } mismatch)
        {
            throw new ArgumentException($"The parameters do not fit the model: {mismatch}.", nameof(full));
        }

        return new ParameterSet(Shared, full.Values[SharedElements].ToArray());
    }

    /// <summary>A full-layout set holding <paramref name="shared"/> in the shared range and zeros elsewhere (a delta that moves nothing else).</summary>
    /// <exception cref="ArgumentException"><paramref name="shared"/> does not have the <see cref="Shared"/> layout.</exception>
    public ParameterSet Expand(ParameterSet shared)
    {
        ArgumentNullException.ThrowIfNull(shared);
        if (Shared.DescribeMismatch(shared.Layout) is { } mismatch)
        {
            throw new ArgumentException($"The update does not hold the shared layers: {mismatch}.", nameof(shared));
        }

        var full = new ParameterSet(Full);
        shared.Values.CopyTo(full.Values[SharedElements]);
        return full;
    }
}
