using Causeway.Core.Data;
using Causeway.Federation.Vertical.Data;

namespace Causeway.Federation.Tests.Vertical.Data;

public sealed class VerticalHoldoutTests
{
    private static readonly string[] ChurnIds = TableReader.Read(ChurnParties.OriginalTable, DataSchema.Load(ChurnParties.OriginalSchema)).Ids("customerID");

    [Theory]
    [InlineData(0.1)]
    [InlineData(0.3)]
    [InlineData(0.5)]
    public void IsTest_7043ChurnIds_HoldsOutTheFractionWithinOnePointFive(double fraction)
    {
        var held = ChurnIds.Count(id => VerticalHoldout.IsTest(id, seed: 42, fraction));

        Assert.Equal(7043, ChurnIds.Length);
        Assert.InRange((double)held / ChurnIds.Length, fraction - 0.015, fraction + 0.015);
    }

    [Fact]
    public void IsTest_RepeatedCalls_GiveTheSameSet_AndAnotherSeedAnotherSet()
    {
        var first = ChurnIds.Where(id => VerticalHoldout.IsTest(id, 7, 0.3)).ToArray();
        var again = ChurnIds.Where(id => VerticalHoldout.IsTest(id, 7, 0.3)).ToArray();
        var otherSeed = ChurnIds.Where(id => VerticalHoldout.IsTest(id, 8, 0.3)).ToArray();

        Assert.Equal(first, again);
        Assert.NotEqual(first, otherSeed);

        // Independent draws share about 0.3 of each set.
        Assert.InRange((double)first.Intersect(otherSeed).Count() / first.Length, 0.25, 0.35);
    }

    [Theory]
    [InlineData("7590-VHVEG", 0.4805, true)]  // u / 2^64 = 0.480493531... (SHA-256 of BE64(42) || id, computed with Python's hashlib)
    [InlineData("7590-VHVEG", 0.4804, false)]
    [InlineData("5575-GNVDE", 0.3744, true)]  // u / 2^64 = 0.374365892...
    [InlineData("5575-GNVDE", 0.3743, false)]
    public void IsTest_KnownIds_FollowTheDocumentedFormula(string id, double fraction, bool expected) =>
        Assert.Equal(expected, VerticalHoldout.IsTest(id, seed: 42, fraction));

    [Fact]
    public void IsTest_FractionZero_HoldsOutNothing() =>
        Assert.DoesNotContain(ChurnIds, id => VerticalHoldout.IsTest(id, 42, 0));

    [Theory]
    [InlineData(1.0)]
    [InlineData(-0.1)]
    [InlineData(double.NaN)]
    public void IsTest_FractionOutsideZeroToOne_Throws(double fraction)
    {
        var error = Assert.Throws<ArgumentOutOfRangeException>(() => VerticalHoldout.IsTest("a", 42, fraction));

        Assert.Equal("fraction", error.ParamName);
    }
}
