using Causeway.Core.Data;

namespace Causeway.Core.Tests.Data;

public sealed class PartitionerTests
{
    private static float[] Labels(int rows, int classes, int seed)
    {
        var random = new Random(seed);
        var labels = new float[rows];
        for (var i = 0; i < rows; i++)
        {
            labels[i] = random.Next(classes);
        }

        return labels;
    }

    private static void AssertExactCover(IReadOnlyList<int[]> parts, int rows, int parties)
    {
        Assert.Equal(parties, parts.Count);
        var seen = new int[rows];
        foreach (var part in parts)
        {
            Assert.NotEmpty(part);
            for (var i = 0; i < part.Length; i++)
            {
                seen[part[i]]++;
                Assert.True(i == 0 || part[i - 1] < part[i], "Rows within a part are ascending.");
            }
        }

        Assert.All(seen, count => Assert.Equal(1, count));
    }

    [Fact]
    public void Iid_TenRowsThreeParties_SizesDifferByAtMostOne()
    {
        var parts = Partitioner.Iid(10, 3, new Random(1));

        Assert.Equal([4, 3, 3], parts.Select(p => p.Length));
        AssertExactCover(parts, 10, 3);
    }

    [Theory]
    [InlineData(30_000, 1_000)]
    [InlineData(30_000, 7)]
    [InlineData(5, 5)]
    public void Iid_ManyParties_EveryRowExactlyOnce(int rows, int parties)
    {
        AssertExactCover(Partitioner.Iid(rows, parties, new Random(3)), rows, parties);
    }

    [Theory]
    [InlineData(30_000, 1_000, 10, 0.5)]
    [InlineData(30_000, 1_000, 10, 0.01)]
    [InlineData(30_000, 10, 2, 0.1)]
    [InlineData(30_000, 10, 10, 1000.0)]
    [InlineData(12, 12, 3, 0.05)]
    public void Dirichlet_ManyParties_EveryRowExactlyOnceAndNoEmptyParty(int rows, int parties, int classes, double alpha)
    {
        var parts = Partitioner.Dirichlet(Labels(rows, classes, 11), classes, parties, alpha, new Random(4));

        AssertExactCover(parts, rows, parties);
    }

    [Fact]
    public void Dirichlet_SmallAlpha_SkewsLabelsAndLargeAlphaDoesNot()
    {
        var labels = Labels(20_000, 10, 12);

        double MeanClassesPerParty(double alpha) => Partitioner.Dirichlet(labels, 10, 20, alpha, new Random(5))
            .Average(part => part.Select(r => labels[r]).Distinct().Count());

        var skewed = MeanClassesPerParty(0.05);
        var uniform = MeanClassesPerParty(1000);

        Assert.True(skewed < 4, $"alpha 0.05 gave {skewed} classes per party on average.");
        Assert.Equal(10, uniform);
    }

    [Fact]
    public void Dirichlet_SameSeed_SameParts()
    {
        var labels = Labels(1_000, 4, 13);

        var first = Partitioner.Dirichlet(labels, 4, 9, 0.3, new Random(6));
        var second = Partitioner.Dirichlet(labels, 4, 9, 0.3, new Random(6));
        var other = Partitioner.Dirichlet(labels, 4, 9, 0.3, new Random(7));

        Assert.Equal(first, second);
        Assert.NotEqual(first, other);
    }

    [Fact]
    public void Dirichlet_LabelOutOfRange_Throws()
    {
        var error = Assert.Throws<ArgumentException>(() => Partitioner.Dirichlet([0f, 1f, 2f], 2, 1, 1.0, new Random(1)));

        Assert.StartsWith("Row 2 has label 2, which is not a class index from 0 to 1.", error.Message, StringComparison.Ordinal);
        Assert.Throws<ArgumentException>(() => Partitioner.Dirichlet([0.5f], 2, 1, 1.0, new Random(1)));
        Assert.Throws<ArgumentOutOfRangeException>(() => Partitioner.Dirichlet([0f], 2, 1, 0.0, new Random(1)));
    }

    [Theory]
    [InlineData(30_000, 1_000, 0.5)]
    [InlineData(30_000, 1_000, 0.01)]
    [InlineData(100, 100, 0.1)]
    public void QuantitySkew_ManyParties_EveryRowExactlyOnceAndNoEmptyParty(int rows, int parties, double alpha)
    {
        AssertExactCover(Partitioner.QuantitySkew(rows, parties, alpha, new Random(8)), rows, parties);
    }

    [Fact]
    public void QuantitySkew_SmallAlpha_GivesUnequalSizes()
    {
        var sizes = Partitioner.QuantitySkew(10_000, 10, 0.1, new Random(9)).Select(p => p.Length).ToArray();

        Assert.Equal(10_000, sizes.Sum());
        Assert.True(sizes.Max() > 5 * 1_000, $"The largest of [{string.Join(", ", sizes)}] should dominate.");
    }

    [Fact]
    public void Partition_MorePartiesThanRows_Throws()
    {
        Assert.Throws<ArgumentException>(() => Partitioner.Iid(3, 4, new Random(1)));
        Assert.Throws<ArgumentException>(() => Partitioner.QuantitySkew(3, 4, 1.0, new Random(1)));
        Assert.Throws<ArgumentOutOfRangeException>(() => Partitioner.Iid(3, 0, new Random(1)));
    }

    [Fact]
    public void ByColumn_Sites_GroupsByKeyInOrdinalOrder()
    {
        var parts = Partitioner.ByColumn(["va", "cleveland", "va", "Zurich", "cleveland"]);

        Assert.Equal(["Zurich", "cleveland", "va"], parts.Select(p => p.Key));
        Assert.Equal([3], parts[0].Rows);
        Assert.Equal([1, 4], parts[1].Rows);
        Assert.Equal([0, 2], parts[2].Rows);
    }

    [Fact]
    public void Apportion_Weights_SumsToTotalByLargestRemainder()
    {
        Assert.Equal([3, 3, 1], Partitioner.Apportion(7, [0.4, 0.4, 0.2]));
        Assert.Equal([0, 0, 0], Partitioner.Apportion(0, [0.5, 0.25, 0.25]));
        Assert.Equal([2, 1, 1], Partitioner.Apportion(4, [1, 1, 1]));
    }

    [Theory]
    [InlineData(0.05)]
    [InlineData(0.5)]
    [InlineData(1.0)]
    [InlineData(3.7)]
    public void Gamma_ManyDraws_MeanAndVarianceEqualShape(double shape)
    {
        var random = new Random(10);
        const int Draws = 200_000;
        var sum = 0.0;
        var squares = 0.0;
        for (var i = 0; i < Draws; i++)
        {
            var x = GammaSampler.Gamma(shape, random);
            sum += x;
            squares += x * x;
        }

        var mean = sum / Draws;
        var variance = (squares / Draws) - (mean * mean);

        Assert.Equal(shape, mean, shape * 0.03);
        Assert.Equal(shape, variance, shape * 0.1);
    }

    [Fact]
    public void Dirichlet_TinyAlpha_StillSumsToOne()
    {
        var point = new double[50];

        GammaSampler.Dirichlet(0.001, new Random(2), point);

        Assert.Equal(1.0, point.Sum(), 12);
        Assert.All(point, p => Assert.True(p >= 0));
    }
}
