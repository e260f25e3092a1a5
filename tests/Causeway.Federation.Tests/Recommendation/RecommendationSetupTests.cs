using Causeway.Federation.Recommendation;
using Causeway.Federation.Recommendation.Network;

namespace Causeway.Federation.Tests.Recommendation;

public sealed class RecommendationSetupTests
{
    private static readonly string Catalogue = new('a', 64);

    [Fact]
    public void Agree_TwoParties_MeanIsTheirPooledSumOverCount_AndTheScaleSpansBoth()
    {
        var setup = RecommendationSetup.Agree(
            [
                (new PartyId("a"), new RatingsDescription(50, Catalogue, 1, 4, 14.0, 2f, 5f)),
                (new PartyId("b"), new RatingsDescription(50, Catalogue, 3, 6, 18.0, 0.5f, 4f)),
            ],
            new RecommenderSpec { Items = 1, Factors = 8 },
            new RecommendationPlan { Epochs = 1 },
            seed: 9);

        Assert.Equal((50, 3.2f, 0.5f, 5f, 9UL), (setup.Spec.Items, setup.Spec.GlobalMean, setup.Spec.MinRating, setup.Spec.MaxRating, setup.Seed));
        Assert.Equal(setup, RecommendationSetup.Parse(setup.ToJson(), "stored"));
        Assert.True(RecommendationSetup.IsRecommendation(setup.ToJson()));
    }

    [Fact]
    public void Agree_AnotherCatalogue_NamesBothParties()
    {
        var error = Assert.Throws<InvalidOperationException>(() => RecommendationSetup.Agree(
            [
                (new PartyId("a"), new RatingsDescription(50, Catalogue, 1, 4, 14.0, 2f, 5f)),
                (new PartyId("b"), new RatingsDescription(51, new string('b', 64), 1, 4, 14.0, 2f, 5f)),
            ],
            new RecommenderSpec { Items = 1 },
            new RecommendationPlan(),
            seed: 0));

        Assert.Equal(
            "Party 'b' holds another item catalogue (51 items) than party 'a' (50 items); every party of a run must read the federation's catalogue.",
            error.Message);
    }

    [Fact]
    public void DigestOf_ItemIds_IsTheSha256OfTheLines()
    {
        // printf 'x\ny\n' | sha256sum
        Assert.Equal("09834d488008f5f1ef589a2d7cedc52425bee9dd23b2212e4c1d673c5cbb54e4", RatingsDescription.DigestOf(["x", "y"]));
        Assert.NotEqual(RatingsDescription.DigestOf(["x", "y"]), RatingsDescription.DigestOf(["y", "x"]));
    }
}
