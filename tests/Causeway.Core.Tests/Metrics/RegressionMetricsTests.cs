using Causeway.Core.Metrics;

namespace Causeway.Core.Tests.Metrics;

public sealed class RegressionMetricsTests
{
    // Errors 0, −1, 2, −4: squared 0, 1, 4, 16 (mean 5.25); absolute 0, 1, 2, 4 (mean 1.75).
    private static readonly float[] Predictions = [1, 2, 3, 4];
    private static readonly float[] Targets = [1, 3, 1, 8];

    [Fact]
    public void Rmse_FourErrors_SquareRootOfMeanSquare() =>
        Assert.Equal(Math.Sqrt(5.25), RegressionMetrics.Rmse(Predictions, Targets), 12);

    [Fact]
    public void Mae_FourErrors_MeanAbsolute() =>
        Assert.Equal(1.75, RegressionMetrics.Mae(Predictions, Targets), 12);

    [Fact]
    public void HalfMeanSquaredError_FourErrors_HalfOfMse() =>
        Assert.Equal(2.625, RegressionMetrics.HalfMeanSquaredError(Predictions, Targets), 12);

    [Fact]
    public void Rmse_Empty_Throws() =>
        Assert.Throws<ArgumentException>(() => RegressionMetrics.Rmse([], []));
}
