using Causeway.Core.Tensors;

namespace Causeway.Federation.Horizontal;

/// <summary>
/// Builds and checks the checkpoint layout of a stateful server optimizer: one copy of the model's tensors per
/// slot, named <c>{slot}.{tensor}</c> (for example <c>m.layer0.weight</c> then <c>v.layer0.weight</c>), packed slot
/// after slot so slot k occupies <c>[k·n, (k + 1)·n)</c> of the flat buffer.
/// </summary>
internal static class ServerOptimizerState
{
    public static ParameterLayout LayoutFor(ParameterLayout model, IReadOnlyList<string> slots) =>
        new(slots.SelectMany(slot => model.Tensors.Select(t => new TensorSpec($"{slot}.{t.Name}", [.. t.Shape]))));

    /// <summary>Recovers the model layout from a state layout, or throws when the state is not of this shape.</summary>
    public static ParameterLayout ModelLayoutOf(ParameterLayout state, IReadOnlyList<string> slots, string optimizer)
    {
        var tensors = state.Tensors;
        if (tensors.Count == 0 || tensors.Count % slots.Count != 0)
        {
            throw new ArgumentException($"{optimizer} state needs {slots.Count} equal groups of tensors, got {tensors.Count} tensors.");
        }

        var perSlot = tensors.Count / slots.Count;
        var model = new List<TensorSpec>(perSlot);
        for (var i = 0; i < perSlot; i++)
        {
            var prefix = slots[0] + ".";
            if (!tensors[i].Name.StartsWith(prefix, StringComparison.Ordinal))
            {
                throw new ArgumentException($"{optimizer} state tensor '{tensors[i].Name}' should start with '{prefix}'.");
            }

            model.Add(new TensorSpec(tensors[i].Name[prefix.Length..], [.. tensors[i].Shape]));
        }

        var layout = new ParameterLayout(model);
        var mismatch = LayoutFor(layout, slots).DescribeMismatch(state);
        return mismatch is null ? layout : throw new ArgumentException($"{optimizer} state has an unexpected layout: {mismatch}.");
    }

    public static void RequireCompatible(ParameterSet global, ParameterSet aggregatedDelta, ParameterLayout? model)
    {
        ParameterSet.RequireSameLayout(global, aggregatedDelta);
        if (model is not null && model.DescribeMismatch(global.Layout) is { } mismatch)
        {
            throw new ArgumentException($"The global model does not match the optimizer's state: {mismatch}.", nameof(global));
        }
    }
}
