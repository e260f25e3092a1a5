using Causeway.Federation.Recommendation;
using Causeway.Federation.Recommendation.Inference;

namespace Causeway.Federation.Tests.Recommendation;

public sealed class InferenceTests
{
    private const int Items = 40;
    private const int Factors = 5;

    [Fact]
    public void TopItems_RandomModel_EqualsSortingEveryUnseenItem()
    {
        var model = new RecommenderSpec { Items = Items, Factors = Factors, GlobalMean = 3f }.Initialize(11);
        var random = new Random(3);
        for (var i = 0; i < Items; i++)
        {
            model[ItemModel.Bias][i] = (float)random.NextDouble();
        }

        var user = new UserVector(0.25f, [.. Enumerable.Range(0, Factors).Select(_ => (float)random.NextDouble() - 0.5f)], [1, 4, 7, 30]);

        var top = TopItems.For(model, user, 10);

        var expected = Enumerable.Range(0, Items)
            .Where(i => !user.Seen.Contains(i))
            .Select(i => new ScoredItem(i, UserFit.Predict(model, user, i)))
            .OrderByDescending(s => s.Score).ThenBy(s => s.Item)
            .Take(10)
            .ToList();
        Assert.Equal(expected.Select(e => e.Item), top.Select(t => t.Item));
        Assert.Equal(expected.Select(e => e.Score), top.Select(t => t.Score), (a, b) => Math.Abs(a - b) < 1e-5f);
    }

    [Fact]
    public void Fit_FewRatings_ZeroesTheRidgeObjectivesGradient()
    {
        var model = new RecommenderSpec { Items = Items, Factors = Factors, GlobalMean = 3.5f }.Initialize(5);
        int[] rows = [2, 9, 17, 25, 33, 38];
        float[] ratings = [4f, 2.5f, 5f, 3f, 1f, 4.5f];
        const float Lambda = 0.1f;

        var user = UserFit.Fit(model, rows, ratings, Lambda);

        // ∂/∂b_u and ∂/∂p_u of ½Σ e² + ½λn(b_u² + ‖p_u‖²), e = r − r̂, are −Σe + λn·b_u and −Σ e·q_i + λn·p_u.
        var gradient = new double[Factors + 1];
        for (var j = 0; j < rows.Length; j++)
        {
            var error = ratings[j] - UserFit.Predict(model, user, rows[j]);
            gradient[0] -= error;
            for (var f = 0; f < Factors; f++)
            {
                gradient[f + 1] -= error * model[ItemModel.Factors][(rows[j] * Factors) + f];
            }
        }

        gradient[0] += Lambda * rows.Length * user.Bias;
        for (var f = 0; f < Factors; f++)
        {
            gradient[f + 1] += Lambda * rows.Length * user.Factors[f];
        }

        Assert.All(gradient, g => Assert.True(Math.Abs(g) < 1e-4, $"gradient component {g}"));
        Assert.Equal(rows, user.Seen);
    }

    [Fact]
    public void Fit_RepeatedItem_IsRefused()
    {
        var model = new RecommenderSpec { Items = Items, Factors = Factors }.Initialize(5);

        var error = Assert.Throws<ArgumentException>(() => UserFit.Fit(model, [3, 3], [4f, 5f], 0.1f));

        Assert.Equal("Item row 3 is out of the catalogue's 40 rows or rated twice.", error.Message);
    }
}
