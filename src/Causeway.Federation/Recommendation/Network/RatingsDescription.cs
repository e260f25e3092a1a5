using System.Security.Cryptography;
using System.Text;
using Causeway.Federation.Recommendation.Data;

namespace Causeway.Federation.Recommendation.Network;

/// <summary>
/// What a ratings party tells the coordinator when it joins (never ratings): its catalogue, so every party of a run
/// maps item ids to the same rows, and the sums the run's μ and rating scale are agreed from.
/// </summary>
/// <param name="Items">The catalogue's size: the rows of the item model.</param>
/// <param name="Catalogue">SHA-256 (hex) of the catalogue's item ids in row order, one per line; equal at every party of a run.</param>
/// <param name="Users">The users this party holds (1 for a cross-device party).</param>
/// <param name="Ratings">Its training ratings.</param>
/// <param name="RatingSum">Their sum.</param>
/// <param name="MinRating">The lowest rating it holds (+∞ without ratings).</param>
/// <param name="MaxRating">The highest rating it holds (−∞ without ratings).</param>
/// <remarks>
/// The coordinator learns each party's rating count and mean rating from it (docs/recommendation.md, "Who sees what").
/// </remarks>
public sealed record RatingsDescription(int Items, string Catalogue, int Users, long Ratings, double RatingSum, float MinRating, float MaxRating)
{
    /// <summary>Describes the training ratings of <paramref name="data"/>, whose catalogue has the digest <paramref name="catalogue"/> (<see cref="DigestOf"/>).</summary>
    public static RatingsDescription Of(PartyRatings data, string catalogue)
    {
        ArgumentNullException.ThrowIfNull(data);
        ArgumentNullException.ThrowIfNull(catalogue);
        double sum = 0;
        float min = float.PositiveInfinity, max = float.NegativeInfinity;
        foreach (var rating in data.TrainRatings)
        {
            sum += rating;
            min = Math.Min(min, rating);
            max = Math.Max(max, rating);
        }

        return new RatingsDescription(data.ItemCount, catalogue, data.UserCount, data.TrainCount, sum, min, max);
    }

    /// <summary>The digest of a catalogue: SHA-256 (lower-case hex) of its item ids in row order, each followed by a line feed.</summary>
    public static string DigestOf(IReadOnlyList<string> itemIds)
    {
        ArgumentNullException.ThrowIfNull(itemIds);
        using var hash = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
        foreach (var id in itemIds)
        {
            hash.AppendData(Encoding.UTF8.GetBytes(id));
            hash.AppendData("\n"u8);
        }

        return Convert.ToHexStringLower(hash.GetHashAndReset());
    }

    /// <summary>Why this description cannot be taken from a peer, or null: the counts must be whole and consistent.</summary>
    public string? DescribeProblem()
    {
        if (Items is < 1 or > ItemModel.MaxItems)
        {
            return $"its catalogue has {Items} items; expected 1 to {ItemModel.MaxItems}";
        }

        if (Catalogue.Length != 64)
        {
            return "its catalogue digest is not a SHA-256 in hex";
        }

        if (Users < 0 || Ratings < 0 || !double.IsFinite(RatingSum))
        {
            return "its user count, rating count or rating sum is out of range";
        }

        return Ratings > 0 && !(MinRating <= MaxRating && float.IsFinite(MinRating) && float.IsFinite(MaxRating))
            ? "its rating range is not a finite interval"
            : null;
    }
}
