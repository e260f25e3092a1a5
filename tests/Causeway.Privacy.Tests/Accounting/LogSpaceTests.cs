using Causeway.Privacy.Accounting;

namespace Causeway.Privacy.Tests.Accounting;

public sealed class LogSpaceTests
{
    [Theory]
    [InlineData(-3.0, 1.9999779095030014)]
    [InlineData(-0.5, 1.5204998778130465)]
    [InlineData(0.0, 1.0)]
    [InlineData(0.5, 0.4795001221869535)]
    [InlineData(1.0, 0.15729920705028513)]
    [InlineData(1.99, 0.004888586800383003)]
    [InlineData(2.0, 0.004677734981047266)]
    [InlineData(3.0, 2.209049699858544e-05)]
    [InlineData(5.0, 1.5374597944280349e-12)]
    [InlineData(10.0, 2.088487583762545e-45)]
    public void Erfc_KnownValues_MatchToTwelveDigits(double x, double erfc)
    {
        Assert.Equal(Math.Log(erfc), LogSpace.Erfc(x), 1e-12 * Math.Max(1, Math.Abs(Math.Log(erfc))));
    }

    [Fact]
    public void Erfc_FarTail_MatchesAsymptoticSeries()
    {
        // log erfc(x) ≈ −x² − ln x − ln π / 2 − 1/(2x²) + 5/(8x⁴) for large x, where erfc underflows.
        const double X = 40;
        var expected = -(X * X) - Math.Log(X) - (Math.Log(Math.PI) / 2) - (0.5 / (X * X)) + (0.625 / Math.Pow(X, 4));

        Assert.Equal(expected, LogSpace.Erfc(X), 1e-9);
    }

    [Fact]
    public void AddAndSubtract_RoundTrip()
    {
        var sum = LogSpace.Add(Math.Log(3), Math.Log(5));

        Assert.Equal(Math.Log(8), sum, 1e-14);
        Assert.Equal(Math.Log(3), LogSpace.Subtract(sum, Math.Log(5)), 1e-14);
        Assert.Equal(800, LogSpace.Add(800, double.NegativeInfinity));
    }
}
