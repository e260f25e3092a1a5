using Causeway.Federation.Horizontal;

namespace Causeway.Federation.Tests.Horizontal;

public sealed class AccumulateKernelTests
{
    [Theory]
    [InlineData(0)]
    [InlineData(1)]
    [InlineData(7)]
    [InlineData(16)]
    [InlineData(17)]
    [InlineData(1003)]
    public void LerpInPlace_AnyLength_MatchesScalarLoop(int length)
    {
        var random = new Random(length);
        var x = Enumerable.Range(0, length).Select(_ => (float)random.NextDouble()).ToArray();
        var accumulator = Enumerable.Range(0, length).Select(_ => (float)random.NextDouble()).ToArray();
        var expected = accumulator.Select((a, i) => a + ((x[i] - a) * 0.3f)).ToArray();

        AccumulateKernel.LerpInPlace(x, 0.3f, accumulator);

        for (var i = 0; i < length; i++)
        {
            Assert.Equal(expected[i], accumulator[i], 1e-6f);
        }
    }
}
