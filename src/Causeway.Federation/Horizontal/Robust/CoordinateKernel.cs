using System.Buffers;
using Causeway.Core.Tensors;

namespace Causeway.Federation.Horizontal.Robust;

/// <summary>Reduces one sorted column of the N deltas (their values at one coordinate) to the aggregate's value there.</summary>
internal delegate float SortedColumnReducer(ReadOnlySpan<float> sorted);

/// <summary>The shared loop of the coordinate-wise rules: for every coordinate i, sort {Δ_k[i]} and reduce it.</summary>
internal static class CoordinateKernel
{
    // Coordinates per block: the N × Block transposition buffer stays in L1/L2 for the usual N ≤ 100.
    private const int Block = 256;

    /// <summary>Checks that every delta has <paramref name="length"/> values; throws otherwise.</summary>
    public static void RequireShapes(IReadOnlyList<ParameterSet> deltas, int length)
    {
        ArgumentNullException.ThrowIfNull(deltas);
        if (deltas.Count == 0)
        {
            throw new ArgumentException("At least one delta is required.", nameof(deltas));
        }

        for (var k = 0; k < deltas.Count; k++)
        {
            ArgumentNullException.ThrowIfNull(deltas[k], nameof(deltas));
            if (deltas[k].Length != length)
            {
                throw new ArgumentException($"Delta {k} has {deltas[k].Length} values; the destination has {length}.", nameof(deltas));
            }
        }
    }

    /// <summary>Effectively computes <c>destination[i] = reduce(sort(Δ_0[i], ..., Δ_{N-1}[i]))</c>.</summary>
    /// <remarks>
    /// The result does not depend on the order of <paramref name="deltas"/>, bit for bit: each column is sorted first.
    /// Scratch: N × 256 + N floats from the array pool.
    /// </remarks>
    public static void Reduce(IReadOnlyList<ParameterSet> deltas, Span<float> destination, SortedColumnReducer reduce)
    {
        RequireShapes(deltas, destination.Length);
        var n = deltas.Count;
        var block = ArrayPool<float>.Shared.Rent(n * Block);
        var column = ArrayPool<float>.Shared.Rent(n);
        try
        {
            for (var start = 0; start < destination.Length; start += Block)
            {
                var width = Math.Min(Block, destination.Length - start);
                for (var k = 0; k < n; k++)
                {
                    deltas[k].Values.Slice(start, width).CopyTo(block.AsSpan(k * Block, width));
                }

                var sorted = column.AsSpan(0, n);
                for (var j = 0; j < width; j++)
                {
                    for (var k = 0; k < n; k++)
                    {
                        sorted[k] = block[(k * Block) + j];
                    }

                    sorted.Sort();
                    destination[start + j] = reduce(sorted);
                }
            }
        }
        finally
        {
            ArrayPool<float>.Shared.Return(column);
            ArrayPool<float>.Shared.Return(block);
        }
    }
}
