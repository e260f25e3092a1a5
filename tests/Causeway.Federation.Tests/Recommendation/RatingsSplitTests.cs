using Causeway.Federation.Recommendation.Data;

namespace Causeway.Federation.Tests.Recommendation;

public sealed class RatingsSplitTests
{
    [Fact]
    public void Random_TwentyPercent_HoldsOutRoundedShareAndKeepsEveryRowOnce()
    {
        var data = SyntheticRatings.Generate(users: 40, items: 60, ratingsPerUser: 13, seed: 1);

        var split = RatingsSplit.Random(data, 0.2, seed: 9);

        Assert.Equal(104, split.Test.Count); // round(0.2 × 520)
        Assert.Equal(416, split.Train.Count);
        var all = Keys(data);
        var parts = Keys(split.Train).Concat(Keys(split.Test)).ToList();
        Assert.Equal(all.Count, parts.Count);
        Assert.Equal(all.Order(), parts.Order());
        Assert.Same(data.UserIds, split.Train.UserIds);
    }

    [Fact]
    public void Random_SameSeed_SameSplit_OtherSeed_OtherSplit()
    {
        var data = SyntheticRatings.Generate(40, 60, 13, 1);

        var a = Keys(RatingsSplit.Random(data, 0.2, 9).Test);
        var b = Keys(RatingsSplit.Random(data, 0.2, 9).Test);
        var c = Keys(RatingsSplit.Random(data, 0.2, 10).Test);

        Assert.Equal(a, b);
        Assert.NotEqual(a, c);
    }

    [Fact]
    public void LeaveLastOut_HoldsOutEachUsersLatestRating()
    {
        var data = RatingsReaderTests.Read(
            "u,i,r,t\n" +
            "a,x,1,100\n" +
            "a,y,2,300\n" +
            "a,z,3,200\n" +
            "b,x,4,50\n" +      // b's only rating stays in training
            "c,x,5,10\n" +
            "c,y,1,10\n");      // a tie on c's latest time: the row written last is held out

        var split = RatingsSplit.LeaveLastOut(data);

        Assert.Equal([("a", "y"), ("c", "y")], Keys(split.Test));
        Assert.Equal([("a", "x"), ("a", "z"), ("b", "x"), ("c", "x")], Keys(split.Train));
    }

    [Fact]
    public void LeaveLastOut_NoTimestamps_ThrowsNamingWhy()
    {
        var data = RatingsReaderTests.Read("a,x,1\na,y,2\n");

        var error = Assert.Throws<ArgumentException>(() => RatingsSplit.LeaveLastOut(data));

        Assert.Contains("needs a timestamp", error.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(0.0)]
    [InlineData(1.0)]
    [InlineData(double.NaN)]
    public void Random_FractionOutsideOpenInterval_Throws(double fraction)
    {
        var data = SyntheticRatings.Generate(4, 10, 3, 1);

        Assert.Throws<ArgumentOutOfRangeException>(() => RatingsSplit.Random(data, fraction, 1));
    }

    private static List<(string User, string Item)> Keys(RatingsData data)
    {
        var keys = new List<(string, string)>(data.Count);
        for (var r = 0; r < data.Count; r++)
        {
            keys.Add((data.UserIds[data.Users[r]], data.ItemIds[data.Items[r]]));
        }

        return keys;
    }
}
