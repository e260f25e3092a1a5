using Causeway.Federation.Vertical.Alignment;
using Causeway.Privacy.Psi;

namespace Causeway.Federation.Tests.Vertical.Alignment;

public sealed class PsiIntersectionTests
{
    [Theory]
    [InlineData(1200, 1800, 1300)] // partial overlap, several batches of 100
    [InlineData(0, 350, 420)]      // empty overlap
    [InlineData(777, 0, 0)]        // full overlap
    [InlineData(250, 0, 600)]      // the guest's set inside the host's
    public void Run_RandomSetsWithKnownOverlap_BothPartiesGetTheExactIntersection(int shared, int guestOnly, int hostOnly)
    {
        // Arrange
        var overlap = Overlap.Create(seed: shared + guestOnly, shared, guestOnly, hostOnly);
        using var session = new PsiSession(AlignmentMode.RevealToAll, overlap.Guest, overlap.Hosts);

        // Act
        var outcome = session.Run();

        // Assert
        Assert.Equal(shared, outcome.Guest.Intersection);
        Assert.Equal(Overlap.RowsOf(overlap.Guest, overlap.Shared), outcome.GuestRows);
        Assert.Equal(Overlap.RowsOf(overlap.Hosts[0], overlap.Shared), outcome.HostRows[0]);
        Assert.Equal(shared, outcome.Hosts[0].Intersection);
        Assert.Equal([shared + hostOnly], outcome.Guest.HostIds);
        Assert.Equal(shared + guestOnly, outcome.Guest.Ids);
    }

    [Fact]
    public void Run_OnePartyWithNoIds_GivesAnEmptyIntersection()
    {
        using var session = new PsiSession(AlignmentMode.RevealToAll, [], [["a", "b"]]);

        var outcome = session.Run();

        Assert.Equal(0, outcome.Guest.Intersection);
        Assert.Empty(outcome.GuestRows);
        Assert.Empty(outcome.HostRows[0]);
        Assert.Equal(0, outcome.Hosts[0].Intersection);
    }

    [Fact]
    public void Run_ThreeParties_AllLearnTheRowsSharedByEveryone()
    {
        // Arrange: 300 IDs shared by all three, 200 shared by the guest and host 0 only, 100 by the guest and host 1 only.
        var all = Enumerable.Range(0, 300).Select(i => $"all-{i}").ToArray();
        var with0 = Enumerable.Range(0, 200).Select(i => $"g-h0-{i}").ToArray();
        var with1 = Enumerable.Range(0, 100).Select(i => $"g-h1-{i}").ToArray();
        var random = new Random(7);
        string[] Shuffled(IEnumerable<string> ids)
        {
            var array = ids.ToArray();
            random.Shuffle(array);
            return array;
        }

        var guest = Shuffled(all.Concat(with0).Concat(with1).Concat(Enumerable.Range(0, 50).Select(i => $"g-{i}")));
        var host0 = Shuffled(all.Concat(with0).Concat(Enumerable.Range(0, 80).Select(i => $"h0-{i}")));
        var host1 = Shuffled(all.Concat(with1).Concat(Enumerable.Range(0, 90).Select(i => $"h1-{i}")));
        using var session = new PsiSession(AlignmentMode.RevealToAll, guest, [host0, host1], batchSize: 64);

        // Act
        var outcome = session.Run();

        // Assert
        Assert.Equal(300, outcome.Guest.Intersection);
        Assert.Equal(Overlap.RowsOf(guest, all), outcome.GuestRows);
        Assert.Equal(Overlap.RowsOf(host0, all), outcome.HostRows[0]);
        Assert.Equal(Overlap.RowsOf(host1, all), outcome.HostRows[1]);
        Assert.Equal([580L, 490L], outcome.Guest.HostIds);
    }

    [Fact]
    public void Run_DuplicateIds_AreCountedAndTheFirstRowIsKept()
    {
        // Arrange: "a" at rows 0 and 2 (the second with spaces), "b" twice at 3 and 4; the host repeats "c".
        string[] guest = ["a", "x", " a ", "b", "b", "c"];
        string[] host = ["c", "b", "c", "a"];
        using var session = new PsiSession(AlignmentMode.RevealToAll, guest, [host]);

        // Act
        var outcome = session.Run();

        // Assert
        Assert.Equal(2, outcome.Guest.Duplicates);
        Assert.Equal(1, outcome.Hosts[0].Duplicates);
        Assert.Equal(4, outcome.Guest.Ids);
        Assert.Equal([0, 3, 5], outcome.GuestRows);
        Assert.Equal([0, 1, 3], outcome.HostRows[0]);
    }

    [Fact]
    public void Run_CaseFoldAndNfc_MatchDifferentSpellingsOfOneId()
    {
        using var session = new PsiSession(AlignmentMode.RevealToAll, ["Caf\u00e9", "ZED"], [["cafe\u0301", "zed", "other"]], idOptions: new PsiIdOptions(CaseFold: true));

        var outcome = session.Run();

        Assert.Equal([0, 1], outcome.GuestRows);
        Assert.Equal([0, 1], outcome.HostRows[0]);
    }

    [Fact]
    public void Run_MalformedId_IsRefusedNamingTheRow()
    {
        using var session = new PsiSession(AlignmentMode.RevealToAll, ["a", "b", "  ", "d"], [["a"]]);

        var error = Assert.Throws<InvalidPsiIdException>(() => session.Run());

        Assert.Equal(2, error.Row);
        Assert.Equal("ID at row 2 is empty.", error.Message);
    }
}
