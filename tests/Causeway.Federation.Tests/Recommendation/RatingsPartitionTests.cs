using Causeway.Federation.Recommendation.Data;

namespace Causeway.Federation.Tests.Recommendation;

public sealed class RatingsPartitionTests
{
    [Fact]
    public void PerUser_EveryUserIsAPartyNamedByTheirId()
    {
        var data = RatingsReaderTests.Read("7,a,1\n3,a,2\n7,b,3\n");

        var parties = RatingsPartition.PerUser(data);

        Assert.Equal(["user-7", "user-3"], parties.Select(p => p.Party.Value));
        Assert.Equal(new[] { new[] { 0 }, new[] { 1 } }, parties.Select(p => p.Users.ToArray()));
    }

    [Fact]
    public void Silos_DealsEveryUserOnceInBalancedShares()
    {
        var data = SyntheticRatings.Generate(users: 23, items: 30, ratingsPerUser: 2, seed: 5);

        var silos = RatingsPartition.Silos(data, 5, seed: 3);

        Assert.Equal(["silo-01", "silo-02", "silo-03", "silo-04", "silo-05"], silos.Select(s => s.Party.Value));
        Assert.Equal(Enumerable.Range(0, 23), silos.SelectMany(s => s.Users).Order());
        Assert.All(silos, s => Assert.InRange(s.Users.Count, 4, 5));
        Assert.All(silos, s => Assert.Equal(s.Users.Order(), s.Users));
        Assert.Equal(silos.Select(s => s.Users.ToArray()), RatingsPartition.Silos(data, 5, seed: 3).Select(s => s.Users.ToArray()));
    }

    [Fact]
    public void Build_PartyHoldsItsUsersTrainAndTestRatings()
    {
        var data = RatingsReaderTests.Read("a,x,1,1\na,y,2,2\nb,y,3,1\nb,z,4,2\nc,x,5,1\n");
        var split = RatingsSplit.LeaveLastOut(data);
        var partition = new[] { new PartyUsers(new PartyId("s1"), [0, 2]), new PartyUsers(new PartyId("s2"), [1]) };

        var parties = PartyRatings.Build(split, partition);

        // s1 holds a (x train, y test) and c (x train); s2 holds b (y train, z test).
        Assert.Equal(2, parties[0].TrainCount);
        Assert.Equal(1, parties[0].TestCount);
        Assert.Equal([0], parties[0].Rows);
        Assert.Equal([1], parties[1].Rows);
        Assert.Equal([2], parties[1].TestItems);
    }

    [Fact]
    public void Build_UserHeldTwice_Throws()
    {
        var data = RatingsReaderTests.Read("a,x,1\nb,y,2\n");
        var split = new RatingsSplit(data, data.Select([]));
        var partition = new[] { new PartyUsers(new PartyId("s1"), [0]), new PartyUsers(new PartyId("s2"), [0, 1]) };

        var error = Assert.Throws<ArgumentException>(() => PartyRatings.Build(split, partition));

        Assert.Contains("User 'a' is held by two parties", error.Message, StringComparison.Ordinal);
    }
}
