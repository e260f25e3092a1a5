using Causeway.Core.Tensors;

namespace Causeway.Core.Tests;

public sealed class ParameterLayoutTests
{
    [Theory]
    [InlineData(new[] { int.MaxValue, int.MaxValue, 4 })]
    [InlineData(new[] { 65536, 65536, 65536, 65536, 65536 })]
    [InlineData(new[] { 1 << 16, 1 << 16 })]
    public void TensorSpec_ShapeBeyondAnArray_ThrowsInsteadOfWrapping(int[] shape)
    {
        var e = Assert.Throws<ArgumentException>(() => new TensorSpec("w", shape));

        Assert.Equal("shape", e.ParamName);
    }

    [Fact]
    public void TensorSpec_LargestArray_HasThatLength()
    {
        Assert.Equal(Array.MaxLength, new TensorSpec("w", [Array.MaxLength]).Length);
    }

    [Fact]
    public void RangeOf_TensorsPackedInOrder_ReturnsOffsets()
    {
        var layout = new ParameterLayout([new TensorSpec("w", [3, 2]), new TensorSpec("b", [3])]);

        Assert.Equal(9, layout.TotalLength);
        Assert.Equal(new Range(0, 6), layout.RangeOf("w"));
        Assert.Equal(new Range(6, 9), layout.RangeOf("b"));
    }

    [Fact]
    public void DescribeMismatch_DifferentShape_NamesTheTensor()
    {
        var expected = new ParameterLayout([new TensorSpec("w", [3, 2])]);
        var actual = new ParameterLayout([new TensorSpec("w", [2, 3])]);

        Assert.Equal("tensor 0: expected w[3x2], got w[2x3]", expected.DescribeMismatch(actual));
        Assert.Null(expected.DescribeMismatch(new ParameterLayout([new TensorSpec("w", [3, 2])])));
    }

    [Fact]
    public void AllFinite_NaNOrInfinity_ReturnsFalse()
    {
        var layout = new ParameterLayout([new TensorSpec("w", [10_000])]);
        var set = new ParameterSet(layout);
        Assert.True(set.AllFinite());

        set.Values[9_999] = float.NaN;
        Assert.False(set.AllFinite());

        set.Values[9_999] = float.PositiveInfinity;
        Assert.False(set.AllFinite());
    }
}
