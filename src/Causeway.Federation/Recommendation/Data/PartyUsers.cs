namespace Causeway.Federation.Recommendation.Data;

/// <summary>One party of a recommendation federation and the users whose ratings (and user vectors) it holds.</summary>
/// <param name="Party">The party.</param>
/// <param name="Users">The indices of its users in the dataset's <see cref="RatingsData.UserIds"/>, ascending.</param>
public sealed record PartyUsers(PartyId Party, IReadOnlyList<int> Users);
