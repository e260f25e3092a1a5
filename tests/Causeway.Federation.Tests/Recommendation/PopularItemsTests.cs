using Causeway.Federation.Recommendation.Data;
using Causeway.Federation.Recommendation.Popularity;
using Causeway.Privacy.Mechanisms;

namespace Causeway.Federation.Tests.Recommendation;

public sealed class PopularItemsTests
{
    [Fact]
    public void ClippedCounts_UserWithMoreItemsThanTheBound_CountsExactlyTheBound()
    {
        // u1 rated 5 items, u2 rated 2 of them: with L = 3, u1 adds 3 ones, u2 adds 2.
        var data = RatingsReader.Read(new StringReader("u1,a,5\nu1,b,4\nu1,c,3\nu1,d,2\nu1,e,1\nu2,a,4\nu2,b,2\n"), "r.csv");
        var split = new RatingsSplit(data, data.Select([]));
        var party = PartyRatings.Build(split, [new PartyUsers(new PartyId("shop"), [0, 1])])[0];
        using var randomness = NoiseSource.Create();

        var counts = PopularItems.ClippedCounts(party, 3, randomness);

        Assert.Equal(5, counts.Sum());
        Assert.All(counts[..2], c => Assert.InRange(c, 1, 2));
        Assert.All(counts[2..], c => Assert.InRange(c, 0, 1));
    }

    [Fact]
    public void NoiseFor_IsTheClassicGaussianAtSensitivitySqrtL()
    {
        // σ = √L · √(2 ln(1.25/δ)) / ε
        Assert.Equal(Math.Sqrt(4) * Math.Sqrt(2 * Math.Log(1.25 / 1e-6)) / 0.5, PopularItems.NoiseFor(0.5, 1e-6, 4), 9);
    }
}
