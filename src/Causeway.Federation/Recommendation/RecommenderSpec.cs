using Causeway.Core.Tensors;
using Causeway.Federation.Recommendation.Data;
using Causeway.Federation.Recommendation.Models;

namespace Causeway.Federation.Recommendation;

/// <summary>
/// The recommender every side of a run agrees on when it starts: which model, the catalogue, the rank, the
/// initialisation, and the rating statistics the model fixes (μ and the rating scale). Defaults are stated per property.
/// </summary>
/// <remarks>
/// μ is the training mean, fixed as in Koren et al. 2009 and Surprise's SVD, not learned. Over the network it is agreed
/// from each party's rating sum and count, as a run's feature statistics are merged (<c>RunSetup.Agree</c>), which
/// tells the coordinator each party's rating count and mean.
/// </remarks>
public sealed record RecommenderSpec
{
    /// <summary>The model. Default <see cref="RecommenderKind.MatrixFactorization"/>.</summary>
    public RecommenderKind Kind { get; init; } = RecommenderKind.MatrixFactorization;

    /// <summary>The number of items in the catalogue (rows of the item model), 1 to <see cref="ItemModel.MaxItems"/>. Required.</summary>
    public required int Items { get; init; }

    /// <summary>The rank k: factors per user and per item. Default 100 (Surprise's SVD).</summary>
    public int Factors { get; init; } = 100;

    /// <summary>The standard deviation of the normal distribution, mean 0, that user and item factors start from. Default 0.1 (Surprise).</summary>
    public float InitStandardDeviation { get; init; } = 0.1f;

    /// <summary>μ, the global mean rating, fixed for the run. Default 0 (BPR ignores it).</summary>
    public float GlobalMean { get; init; }

    /// <summary>The lowest rating; predictions are clipped to [<see cref="MinRating"/>, <see cref="MaxRating"/>] as Surprise does. Default −∞ (no clipping).</summary>
    public float MinRating { get; init; } = float.NegativeInfinity;

    /// <summary>The highest rating. Default +∞ (no clipping).</summary>
    public float MaxRating { get; init; } = float.PositiveInfinity;

    /// <summary>
    /// The hybrid model's side information, or null for plain factors. With genres the item model holds one more row per
    /// genre g after the catalogue (y_g and a genre bias c_g), and an item's vector is
    /// q̃_i = q_i + |G_i|^(−1/2)·Σ_{g∈G_i} y_g, its bias b̃_i = b_i + |G_i|^(−1/2)·Σ_{g∈G_i} c_g (the implicit-feedback
    /// normalisation of Koren 2008, SVD++, applied to item attributes). A new item, or one with few ratings, then starts
    /// from its genres. Default null.
    /// </summary>
    public ItemGenres? Genres { get; init; }

    /// <summary>The rows of the item model: the catalogue, then one per genre.</summary>
    public int ItemRows => Items + (Genres?.Count ?? 0);

    /// <summary>The dense item model (<see cref="ItemModel.Layout"/>) of <see cref="ItemRows"/> rows.</summary>
    public ParameterLayout Layout() => ItemModel.Layout(ItemRows, Factors);

    /// <summary>
    /// The item model before training: item factors drawn from N(0, σ²) in row-major order from one stream seeded by
    /// <paramref name="seed"/>, item biases 0, genre rows 0 (so the hybrid starts where plain factors do), <c>global_mean</c> = μ.
    /// </summary>
    public ParameterSet Initialize(ulong seed)
    {
        Validate();
        var model = new ParameterSet(Layout());
        var normal = new GaussianStream(Seeds.Mix(seed ^ 0x17E3F4C7UL));
        normal.Fill(model[ItemModel.Factors][..(Items * Factors)], InitStandardDeviation);
        model[ItemModel.GlobalMean][0] = GlobalMean;
        return model;
    }

    /// <summary>Throws with a message naming the property when a value is out of range.</summary>
    public void Validate()
    {
        if (!Enum.IsDefined(Kind))
        {
            throw new ArgumentException($"Unknown recommender kind {Kind}.");
        }

        if (Items is < 1 or > ItemModel.MaxItems)
        {
            throw new ArgumentException($"items must be from 1 to {ItemModel.MaxItems}, got {Items}.");
        }

        if (Genres is { } genres && (genres.ItemCount != Items || genres.Count == 0 || ItemRows > ItemModel.MaxItems))
        {
            throw new ArgumentException($"genres must cover the {Items} items with at least one genre and fit {ItemModel.MaxItems} rows, got {genres.ItemCount} items and {genres.Count} genres.");
        }

        if (Factors < 1)
        {
            throw new ArgumentException($"factors must be at least 1, got {Factors}.");
        }

        if (!(InitStandardDeviation >= 0) || !float.IsFinite(InitStandardDeviation))
        {
            throw new ArgumentException($"the initial standard deviation must be a non-negative finite number, got {InitStandardDeviation}.");
        }

        if (!float.IsFinite(GlobalMean))
        {
            throw new ArgumentException($"the global mean must be finite, got {GlobalMean}.");
        }

        if (float.IsNaN(MinRating) || float.IsNaN(MaxRating) || MinRating > MaxRating)
        {
            throw new ArgumentException($"the rating scale [{MinRating}, {MaxRating}] is not an interval.");
        }
    }
}
