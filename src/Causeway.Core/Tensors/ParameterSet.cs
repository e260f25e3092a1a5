using System.Numerics.Tensors;

namespace Causeway.Core.Tensors;

/// <summary>
/// A model's parameters (or an update to them): named float32 tensors stored in one flat buffer
/// described by a <see cref="ParameterLayout"/>.
/// </summary>
/// <remarks>
/// The values are mutable so that optimizers and aggregators can work in place without allocating;
/// a set handed across a boundary (to an aggregator, to the wire) is treated as owned by the receiver.
/// </remarks>
public sealed class ParameterSet
{
    private readonly float[] _values;

    public ParameterSet(ParameterLayout layout)
        : this(layout, new float[layout.TotalLength])
    {
    }

    /// <summary>Wraps <paramref name="values"/> without copying; the set now owns the array.</summary>
    public ParameterSet(ParameterLayout layout, float[] values)
    {
        ArgumentNullException.ThrowIfNull(layout);
        ArgumentNullException.ThrowIfNull(values);
        if (values.Length != layout.TotalLength)
        {
            throw new ArgumentException(
                $"The layout holds {layout.TotalLength} elements but {values.Length} values were given.", nameof(values));
        }

        Layout = layout;
        _values = values;
    }

    public ParameterLayout Layout { get; }

    /// <summary>All values, tensor after tensor, in layout order.</summary>
    public Span<float> Values => _values;

    /// <summary>The number of float32 elements.</summary>
    public int Length => _values.Length;

    /// <summary>The values of the named tensor.</summary>
    public Span<float> this[string name] => _values.AsSpan(Layout.RangeOf(name));

    public ParameterSet Clone() => new(Layout, (float[])_values.Clone());

    /// <summary>Returns true when every value is finite (no NaN, no infinity).</summary>
    public bool AllFinite()
    {
        // x - x is 0 for finite x and NaN for NaN or infinity, so the sum is finite exactly when every value is.
        var span = Values;
        const int Chunk = 4096;
        for (var start = 0; start < span.Length; start += Chunk)
        {
            var slice = span.Slice(start, Math.Min(Chunk, span.Length - start));
            if (!float.IsFinite(TensorPrimitives.Sum(slice)))
            {
                foreach (var value in slice)
                {
                    if (!float.IsFinite(value))
                    {
                        return false;
                    }
                }
            }
        }

        return true;
    }

    /// <summary>The Euclidean (L2) norm of all values together.</summary>
    public double L2Norm() => TensorPrimitives.Norm<float>(Values);

    /// <summary>Effectively computes <c>this[i] = a[i] - b[i]</c>.</summary>
    public static ParameterSet Difference(ParameterSet a, ParameterSet b)
    {
        RequireSameLayout(a, b);
        var result = new ParameterSet(a.Layout);
        TensorPrimitives.Subtract(a.Values, b.Values, result.Values);
        return result;
    }

    /// <summary>Throws when the two sets do not share one layout.</summary>
    public static void RequireSameLayout(ParameterSet expected, ParameterSet actual)
    {
        ArgumentNullException.ThrowIfNull(expected);
        ArgumentNullException.ThrowIfNull(actual);
        var mismatch = expected.Layout.DescribeMismatch(actual.Layout);
        if (mismatch is not null)
        {
            throw new ArgumentException($"Parameter layouts differ: {mismatch}.", nameof(actual));
        }
    }
}
