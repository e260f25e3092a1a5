using System.Collections.Frozen;

namespace Causeway.Core.Tensors;

/// <summary>
/// The ordered list of named tensors a model owns, packed back to back into one flat float32 buffer.
/// </summary>
/// <remarks>
/// One flat buffer makes every aggregation, optimizer step and serialization a single span operation.
/// Two layouts are equal when they hold the same names with the same shapes in the same order; an update
/// whose layout differs from the global model's is rejected before any arithmetic touches it.
/// </remarks>
public sealed class ParameterLayout : IEquatable<ParameterLayout>
{
    private readonly TensorSpec[] _tensors;
    private readonly int[] _offsets;
    private readonly FrozenDictionary<string, int> _indexByName;

    public ParameterLayout(IEnumerable<TensorSpec> tensors)
    {
        ArgumentNullException.ThrowIfNull(tensors);
        _tensors = [.. tensors];
        _offsets = new int[_tensors.Length];
        var index = new Dictionary<string, int>(StringComparer.Ordinal);
        long total = 0;
        for (var i = 0; i < _tensors.Length; i++)
        {
            if (!index.TryAdd(_tensors[i].Name, i))
            {
                throw new ArgumentException($"Tensor name '{_tensors[i].Name}' appears twice in a layout.", nameof(tensors));
            }

            _offsets[i] = (int)total;
            total += _tensors[i].Length;
            if (total > Array.MaxLength)
            {
                throw new ArgumentException("The layout holds more elements than one array can hold.", nameof(tensors));
            }
        }

        _indexByName = index.ToFrozenDictionary(StringComparer.Ordinal);
        TotalLength = (int)total;
    }

    public IReadOnlyList<TensorSpec> Tensors => _tensors;

    /// <summary>The total number of float32 elements across all tensors.</summary>
    public int TotalLength { get; }

    public bool Contains(string name) => _indexByName.ContainsKey(name);

    /// <summary>The element range of the named tensor inside the flat buffer.</summary>
    public Range RangeOf(string name)
    {
        if (!_indexByName.TryGetValue(name, out var i))
        {
            throw new KeyNotFoundException($"The layout has no tensor named '{name}'.");
        }

        return new Range(_offsets[i], _offsets[i] + _tensors[i].Length);
    }

    /// <summary>The offset of tensor number <paramref name="index"/> in the flat buffer.</summary>
    public int OffsetAt(int index) => _offsets[index];

    /// <summary>Describes how <paramref name="other"/> differs from this layout, or returns null when they are equal.</summary>
    public string? DescribeMismatch(ParameterLayout other)
    {
        ArgumentNullException.ThrowIfNull(other);
        if (other._tensors.Length != _tensors.Length)
        {
            return $"expected {_tensors.Length} tensors ({this}), got {other._tensors.Length} ({other})";
        }

        for (var i = 0; i < _tensors.Length; i++)
        {
            if (!_tensors[i].Equals(other._tensors[i]))
            {
                return $"tensor {i}: expected {_tensors[i]}, got {other._tensors[i]}";
            }
        }

        return null;
    }

    public bool Equals(ParameterLayout? other) =>
        other is not null && (ReferenceEquals(this, other) || _tensors.AsSpan().SequenceEqual(other._tensors));

    public override bool Equals(object? obj) => Equals(obj as ParameterLayout);

    public override int GetHashCode()
    {
        var hash = new HashCode();
        foreach (var tensor in _tensors)
        {
            hash.Add(tensor);
        }

        return hash.ToHashCode();
    }

    public override string ToString() => string.Join(", ", _tensors.Select(t => t.ToString()));
}
