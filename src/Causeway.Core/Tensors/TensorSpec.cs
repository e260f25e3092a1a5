namespace Causeway.Core.Tensors;

/// <summary>
/// The name and shape of one float32 tensor inside a <see cref="ParameterLayout"/>.
/// </summary>
/// <remarks>Shapes are row-major; a scalar has an empty shape and length 1.</remarks>
public sealed record TensorSpec
{
    public TensorSpec(string name, IReadOnlyList<int> shape)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(name);
        ArgumentNullException.ThrowIfNull(shape);
        long length = 1;
        foreach (var dimension in shape)
        {
            ArgumentOutOfRangeException.ThrowIfNegativeOrZero(dimension, nameof(shape));

            // Checked at every step: a product of several large dimensions would overflow a long and wrap (found by fuzz/).
            length *= dimension;
            if (length > Array.MaxLength)
            {
                throw new ArgumentException($"Tensor '{name}' of shape [{string.Join('x', shape)}] has more elements than an array can hold.", nameof(shape));
            }
        }

        Name = name;
        Shape = [.. shape];
        Length = (int)length;
    }

    public string Name { get; }

    public IReadOnlyList<int> Shape { get; }

    /// <summary>The number of elements: the product of <see cref="Shape"/>.</summary>
    public int Length { get; }

    public bool Equals(TensorSpec? other) =>
        other is not null && Name == other.Name && Shape.SequenceEqual(other.Shape);

    public override int GetHashCode()
    {
        var hash = new HashCode();
        hash.Add(Name);
        foreach (var dimension in Shape)
        {
            hash.Add(dimension);
        }

        return hash.ToHashCode();
    }

    public override string ToString() => $"{Name}[{string.Join('x', Shape)}]";
}
