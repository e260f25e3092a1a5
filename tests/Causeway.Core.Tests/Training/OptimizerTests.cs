using Causeway.Core.Tensors;
using Causeway.Core.Training;

namespace Causeway.Core.Tests.Training;

public sealed class OptimizerTests
{
    private static readonly ParameterLayout Layout = new([new TensorSpec("w", [2])]);

    private static ParameterSet Set(params float[] values) => new(Layout, values);

    [Fact]
    public void SgdStep_NoMomentum_MovesAgainstGradient()
    {
        var optimizer = new SgdOptimizer(Layout, 0.1f);
        var parameters = Set(1f, 2f);

        optimizer.Step(parameters, Set(0.5f, -1f));

        Assert.Equal(0.95f, parameters.Values[0], 1e-7f);
        Assert.Equal(2.1f, parameters.Values[1], 1e-7f);
    }

    [Fact]
    public void SgdStep_Momentum_AccumulatesVelocity()
    {
        // v1 = g = (0.5, −1): w = (0.95, 2.1); v2 = 0.9·v1 + g = (0.95, −1.9): w = (0.855, 2.29).
        var optimizer = new SgdOptimizer(Layout, 0.1f, momentum: 0.9f);
        var parameters = Set(1f, 2f);

        optimizer.Step(parameters, Set(0.5f, -1f));
        optimizer.Step(parameters, Set(0.5f, -1f));

        Assert.Equal(0.855f, parameters.Values[0], 1e-6f);
        Assert.Equal(2.29f, parameters.Values[1], 1e-6f);
    }

    [Fact]
    public void AdamStep_TwoSteps_MatchesHandComputedValues()
    {
        // Hand computation (β₁ 0.9, β₂ 0.999, ε 1e−8, η 0.1):
        // t=1, g=(0.5, −1): m̂ = g, v̂ = g², so w moves by η·sign(g): (0.9, −1.9).
        // t=2, g=(−0.3, 2): m = (0.015, 0.11), v = (3.3975e−4, 4.999e−3), m̂ = m/0.19, v̂ = v/0.001999:
        // w = (0.9 − 0.1·0.0789474/0.4122621, −1.9 − 0.1·0.5789474/1.5813702) = (0.8808502, −1.9366104).
        var optimizer = new AdamOptimizer(Layout, 0.1f);
        var parameters = Set(1f, -2f);

        optimizer.Step(parameters, Set(0.5f, -1f));
        Assert.Equal(0.9f, parameters.Values[0], 1e-6f);
        Assert.Equal(-1.9f, parameters.Values[1], 1e-6f);

        optimizer.Step(parameters, Set(-0.3f, 2f));
        Assert.Equal(0.8808502f, parameters.Values[0], 1e-6f);
        Assert.Equal(-1.9366104f, parameters.Values[1], 1e-6f);
        Assert.Equal(2, optimizer.StepCount);
    }

    [Fact]
    public void Step_GradientWithOtherLayout_Throws()
    {
        var optimizer = new SgdOptimizer(Layout, 0.1f);
        var other = new ParameterSet(new ParameterLayout([new TensorSpec("v", [2])]));

        var error = Assert.Throws<ArgumentException>(() => optimizer.Step(Set(1f, 2f), other));
        Assert.Contains("gradient", error.Message, StringComparison.Ordinal);
    }
}
