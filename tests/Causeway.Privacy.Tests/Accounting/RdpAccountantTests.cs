using Causeway.Privacy.Accounting;

namespace Causeway.Privacy.Tests.Accounting;

public sealed class RdpAccountantTests
{
    [Fact]
    public void Spent_NoRound_IsZero()
    {
        Assert.Equal(0, new RdpAccountant(1e-5).Spent.Epsilon);
    }

    [Fact]
    public void Add_RoundsInPieces_EqualsOneRoundOfAllSteps()
    {
        var pieces = new RdpAccountant(1e-6);
        pieces.Add(new SampledGaussianRound(1.0, 0.01, 300));
        pieces.Add(new SampledGaussianRound(1.0, 0.01, 700));

        var whole = new RdpAccountant(1e-6).Add(new SampledGaussianRound(1.0, 0.01, 1000));

        Assert.Equal(whole.Epsilon, pieces.Spent.Epsilon, 1e-9);
        Assert.Equal(2, pieces.Rounds.Count);
    }

    [Fact]
    public void Add_MixedRounds_SumsRdpPerOrder()
    {
        var accountant = new RdpAccountant(1e-5);
        accountant.Add(new SampledGaussianRound(1.0, 0.01, 100));
        accountant.Add(new SampledGaussianRound(2.0, 0.1, 10));

        for (var k = 0; k < accountant.Orders.Count; k++)
        {
            var order = accountant.Orders[k];
            var expected = (100 * SampledGaussianRdp.Compute(0.01, 1.0, order)) + (10 * SampledGaussianRdp.Compute(0.1, 2.0, order));
            Assert.Equal(expected, accountant.Rdp[k], expected * 1e-12);
        }
    }

    [Fact]
    public void WouldExceed_BudgetBetweenNowAndNext_TrueWithoutChangingState()
    {
        var accountant = new RdpAccountant(1e-5);
        var round = new SampledGaussianRound(1.1, 0.01, 500);
        var now = accountant.Add(round).Epsilon;
        var next = accountant.Preview(round).Epsilon;
        var budget = (now + next) / 2;

        Assert.True(accountant.WouldExceed(round, budget));
        Assert.False(accountant.WouldExceed(round, next + 1e-9));
        Assert.Equal(now, accountant.Spent.Epsilon);
        Assert.Single(accountant.Rounds);
    }

    [Fact]
    public void Add_ZeroNoise_GivesInfiniteEpsilon()
    {
        var spent = new RdpAccountant(1e-5).Add(new SampledGaussianRound(0, 0.01, 1));

        Assert.True(double.IsPositiveInfinity(spent.Epsilon));
    }

    [Fact]
    public void GetSpent_Balle2020_NeverAboveClassic()
    {
        var accountant = new RdpAccountant(1e-5);
        foreach (var noise in new[] { 0.5, 0.8, 1.3, 3.0 })
        {
            accountant.Add(new SampledGaussianRound(noise, 0.03, 200));
            Assert.True(accountant.GetSpent(RdpConversion.Balle2020).Epsilon <= accountant.GetSpent(RdpConversion.Classic).Epsilon);
        }
    }

    [Theory]
    [InlineData(0.0)]
    [InlineData(1.0)]
    [InlineData(double.NaN)]
    public void Constructor_BadDelta_ThrowsNamingDelta(double delta)
    {
        var error = Assert.ThrowsAny<ArgumentException>(() => new RdpAccountant(delta));
        Assert.Equal("delta", error.ParamName);
    }

    [Fact]
    public void WouldExceed_NonPositiveBudget_ThrowsNamingEpsilonMax()
    {
        var error = Assert.ThrowsAny<ArgumentException>(() => new RdpAccountant(1e-5).WouldExceed(new SampledGaussianRound(1, 0.1), 0));
        Assert.Equal("epsilonMax", error.ParamName);
    }

    [Fact]
    public void Round_NegativeSteps_ThrowsNamingSteps()
    {
        var error = Assert.ThrowsAny<ArgumentException>(() => new SampledGaussianRound(1, 0.1, -1));
        Assert.Equal("steps", error.ParamName);
    }
}
