using Causeway.Core.Tensors;
using Causeway.Federation.Recommendation;
using Causeway.Federation.Recommendation.Data;
using Causeway.Federation.Recommendation.Metrics;
using Causeway.Federation.Recommendation.Models;
using Causeway.Federation.Recommendation.Simulation;

namespace Causeway.Federation.Tests.Recommendation;

public sealed class HybridRecommendationTests
{
    private const ulong Seed = 11;

    [Fact]
    public void ReadMovieLens_QuotedTitlesAndMissingGenres_MapToTheCatalogue()
    {
        const string Csv = """
            movieId,title,genres
            1,Toy Story (1995),Adventure|Animation|Children
            11,"American President, The (1995)",Comedy|Drama|Romance
            7,Unrated (2000),(no genres listed)
            99,Not In The Ratings (2001),Horror
            """;

        var genres = ItemGenres.ReadMovieLens(new StringReader(Csv), "movies.csv", ["11", "1", "7", "42"]);

        Assert.Equal(["Adventure", "Animation", "Children", "Comedy", "Drama", "Romance"], genres.Names);
        Assert.Equal(4, genres.ItemCount);
        Assert.Equal([3, 4, 5], genres.Of(0).ToArray());
        Assert.Equal([0, 1, 2], genres.Of(1).ToArray());
        Assert.True(genres.Of(2).IsEmpty);
        Assert.True(genres.Of(3).IsEmpty);
    }

    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public void Expand_IsTheAdjointOfTheComposedItems_SoGenreRowsGetTheChainRuleGradient(bool sparse)
    {
        // <u, Effective(h + d) − Effective(h)> = <Expand(u), P d> for every d, P = |I_g| on genre rows and 1 on items:
        // Expand is the chain rule of Effective, preconditioned by 1/|I_g| on the genre rows.
        var genres = ItemGenres.Create([[0, 2], [1], [], [0, 1, 2]], ["a", "b", "c"]);
        const int K = 3;
        var layouts = new ItemUpdateLayouts(K);
        var random = new Random(5);
        var hybrid = Random(ItemModel.Layout(7, K), random);
        var direction = Random(ItemModel.Layout(7, K), random);
        direction[ItemModel.GlobalMean][0] = 0;
        var moved = hybrid.Clone();
        System.Numerics.Tensors.TensorPrimitives.Add(moved.Values, direction.Values, moved.Values);
        var items = ItemModel.Layout(4, K);
        var change = HybridItems.Effective(moved, genres, items);
        System.Numerics.Tensors.TensorPrimitives.Subtract(change.Values, HybridItems.Effective(hybrid, genres, items).Values, change.Values);

        ParameterSet gradient;
        double expected = 0;
        if (sparse)
        {
            // Rows 1 and 3 only: the sparse gradient of a party that rated those items.
            gradient = new ParameterSet(layouts.Sparse(2));
            gradient[ItemModel.Rows][0] = 1;
            gradient[ItemModel.Rows][1] = 3;
            for (var j = 0; j < 2 * (K + 1); j++)
            {
                (j < 2 * K ? gradient[ItemModel.Factors] : gradient[ItemModel.Bias])[j < 2 * K ? j : j - (2 * K)] = (float)random.NextDouble() - 0.5f;
            }

            foreach (var (j, row) in new[] { (0, 1), (1, 3) })
            {
                for (var f = 0; f < K; f++)
                {
                    expected += gradient[ItemModel.Factors][(j * K) + f] * change[ItemModel.Factors][(row * K) + f];
                }

                expected += gradient[ItemModel.Bias][j] * change[ItemModel.Bias][row];
            }
        }
        else
        {
            gradient = Random(items, random);
            gradient[ItemModel.GlobalMean][0] = 0;
            expected = Dot(gradient.Values, change.Values);
        }

        var expanded = HybridItems.Expand(gradient, genres, layouts);

        double actual;
        if (sparse)
        {
            // Rows 1, 3, then the genres they reach (0, 1, 2 → rows 4, 5, 6), ascending.
            Assert.Equal([1f, 3f, 4f, 5f, 6f], expanded[ItemModel.Rows].ToArray());
            actual = 0;
            var rows = expanded[ItemModel.Rows];
            for (var j = 0; j < rows.Length; j++)
            {
                var row = (int)rows[j];
                var weight = row >= 4 ? genres.ItemsWith(row - 4) : 1;
                actual += weight * Dot(expanded[ItemModel.Factors].Slice(j * K, K), direction[ItemModel.Factors].Slice(row * K, K));
                actual += weight * expanded[ItemModel.Bias][j] * direction[ItemModel.Bias][row];
            }
        }
        else
        {
            Assert.Equal(ItemModel.Layout(7, K), expanded.Layout);
            for (var g = 0; g < 3; g++)
            {
                System.Numerics.Tensors.TensorPrimitives.Multiply(direction[ItemModel.Factors].Slice((4 + g) * K, K), genres.ItemsWith(g), direction[ItemModel.Factors].Slice((4 + g) * K, K));
                direction[ItemModel.Bias][4 + g] *= genres.ItemsWith(g);
            }

            actual = Dot(expanded.Values, direction.Values);
        }

        Assert.Equal(expected, actual, 1e-5);
    }

    [Fact]
    public async Task Hybrid_NewItems_AreRatedBetterThanByPlainFactors()
    {
        // Ratings are 3 ± 1.5 by the item's genre; items 70..79 have no training rating at all.
        var (split, genres) = GenreRatings();
        var spec = new RecommenderSpec { Items = 80, Factors = 4, GlobalMean = (float)split.Train.MeanRating(), MinRating = 0.5f, MaxRating = 5f };
        var newItems = Enumerable.Range(0, 80).Select(i => i >= 70).ToArray();

        async Task<double> NewItemRmseAsync(RecommenderSpec model)
        {
            var simulator = new RecommendationSimulator(new RecommendationRunOptions
            {
                Spec = model,
                Plan = new RecommendationPlan { Epochs = 1, UserEpochs = 1, LearningRate = 0.01f },
                Aggregation = ItemAggregation.GradientSum,
                ServerLearningRate = 0.01f,
                Rounds = 30,
                Seed = Seed,
            });
            var parties = simulator.CreateParties(split, RatingsPartition.PerUser(split.Train));
            var result = await simulator.RunAsync(parties, null, CancellationToken.None);
            var errors = simulator.EvaluateRatings(parties, result.Global, new RatingSubset(newItems));
            Assert.Equal(split.Test.Items.ToArray().Count(i => i >= 70), errors.Count);
            return errors.Rmse;
        }

        var plain = await NewItemRmseAsync(spec);
        var hybrid = await NewItemRmseAsync(spec with { Genres = genres });

        Assert.True(hybrid < plain - 0.3, $"new items: hybrid RMSE {hybrid:F4}, plain {plain:F4}");
    }

    [Fact]
    public void Hybrid_WithADeltaMode_IsRefused()
    {
        var (_, genres) = GenreRatings();
        var options = new RecommendationRunOptions
        {
            Spec = new RecommenderSpec { Items = 80, Factors = 4, Genres = genres },
            Aggregation = ItemAggregation.Mean,
        };

        var error = Assert.Throws<ArgumentException>(() => new RecommendationSimulator(options));

        Assert.StartsWith("The hybrid model (genres) runs with the gradient sum", error.Message, StringComparison.Ordinal);
    }

    private static (RatingsSplit Split, ItemGenres Genres) GenreRatings()
    {
        var random = new Random(3);
        var effect = new[] { 1.5f, -1.5f, 0.75f, -0.75f };
        var genres = ItemGenres.Create([.. Enumerable.Range(0, 80).Select(i => (IReadOnlyList<int>)[i % 4])], ["g0", "g1", "g2", "g3"]);
        var (trainUsers, trainItems, trainRatings) = (new List<int>(), new List<int>(), new List<float>());
        var (testUsers, testItems, testRatings) = (new List<int>(), new List<int>(), new List<float>());
        for (var u = 0; u < 60; u++)
        {
            foreach (var i in Enumerable.Range(0, 80).OrderBy(_ => random.Next()).Take(30))
            {
                var rating = Math.Clamp(3 + effect[i % 4] + (float)((random.NextDouble() - 0.5) * 0.5), 0.5f, 5f);
                var test = i >= 70 || random.NextDouble() < 0.2;
                (test ? testUsers : trainUsers).Add(u);
                (test ? testItems : trainItems).Add(i);
                (test ? testRatings : trainRatings).Add(rating);
            }
        }

        var userIds = Enumerable.Range(0, 60).Select(u => $"u{u}").ToList();
        var itemIds = Enumerable.Range(0, 80).Select(i => $"i{i}").ToList();
        var split = new RatingsSplit(
            RatingsData.Create(userIds, itemIds, trainUsers.ToArray(), trainItems.ToArray(), trainRatings.ToArray()),
            RatingsData.Create(userIds, itemIds, testUsers.ToArray(), testItems.ToArray(), testRatings.ToArray()));
        return (split, genres);
    }

    private static ParameterSet Random(ParameterLayout layout, Random random)
    {
        var set = new ParameterSet(layout);
        var values = set.Values;
        for (var j = 0; j < values.Length; j++)
        {
            values[j] = (float)random.NextDouble() - 0.5f;
        }

        return set;
    }

    private static double Dot(ReadOnlySpan<float> a, ReadOnlySpan<float> b)
    {
        double sum = 0;
        for (var j = 0; j < a.Length; j++)
        {
            sum += (double)a[j] * b[j];
        }

        return sum;
    }
}
