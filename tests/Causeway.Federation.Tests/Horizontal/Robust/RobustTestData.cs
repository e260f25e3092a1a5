using Causeway.Core.Tensors;

namespace Causeway.Federation.Tests.Horizontal.Robust;

internal static class RobustTestData
{
    public static ParameterLayout Layout(int length) => new([new TensorSpec("w", [length])]);

    /// <summary>One delta per row of <paramref name="rows"/>, all of the same length.</summary>
    public static IReadOnlyList<ParameterSet> Deltas(params float[][] rows) =>
        [.. rows.Select(r => new ParameterSet(Layout(r.Length), (float[])r.Clone()))];

    public static float[] Run(Action<IReadOnlyList<ParameterSet>, float[]> aggregate, params float[][] rows)
    {
        var destination = new float[rows[0].Length];
        aggregate(Deltas(rows), destination);
        return destination;
    }
}
