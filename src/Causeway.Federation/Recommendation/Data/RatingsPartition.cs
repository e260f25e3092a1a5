using System.Globalization;

namespace Causeway.Federation.Recommendation.Data;

/// <summary>
/// Deals a dataset's users to parties: every user a party (cross-device), or users into a few silos (cross-silo). A
/// user's ratings, training and test, stay with the party that holds the user.
/// </summary>
public static class RatingsPartition
{
    /// <summary>
    /// Cross-device: one party per user, in user index order, named <c>user-{id}</c> (<c>user-#{index}</c> when that is
    /// not a valid <see cref="PartyId"/>: the id is too long or holds a space, a control or a formatting character).
    /// </summary>
    public static IReadOnlyList<PartyUsers> PerUser(RatingsData data)
    {
        ArgumentNullException.ThrowIfNull(data);
        var parties = new PartyUsers[data.UserCount];
        for (var u = 0; u < parties.Length; u++)
        {
            var id = data.UserIds[u];
            var name = PartyId.IsValid("user-" + id) ? "user-" + id : "user-#" + u.ToString(CultureInfo.InvariantCulture);
            parties[u] = new PartyUsers(new PartyId(name), [u]);
        }

        return parties;
    }

    /// <summary>
    /// Cross-silo: the users, shuffled with <paramref name="seed"/>, dealt round-robin to <paramref name="silos"/>
    /// parties named <c>silo-01</c>, <c>silo-02</c>... so user counts differ by at most one.
    /// </summary>
    public static IReadOnlyList<PartyUsers> Silos(RatingsData data, int silos, ulong seed)
    {
        ArgumentNullException.ThrowIfNull(data);
        ArgumentOutOfRangeException.ThrowIfLessThan(silos, 1);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(silos, data.UserCount);
        var order = new int[data.UserCount];
        for (var u = 0; u < order.Length; u++)
        {
            order[u] = u;
        }

        new Random(Seeds.ToInt32(Seeds.Mix(seed ^ 0x51105UL))).Shuffle(order);
        var members = new List<int>[silos];
        for (var s = 0; s < silos; s++)
        {
            members[s] = new List<int>((order.Length / silos) + 1);
        }

        for (var j = 0; j < order.Length; j++)
        {
            members[j % silos].Add(order[j]);
        }

        var width = Math.Max(2, silos.ToString(CultureInfo.InvariantCulture).Length);
        var parties = new PartyUsers[silos];
        for (var s = 0; s < silos; s++)
        {
            members[s].Sort();
            parties[s] = new PartyUsers(new PartyId("silo-" + (s + 1).ToString("D" + width.ToString(CultureInfo.InvariantCulture), CultureInfo.InvariantCulture)), [.. members[s]]);
        }

        return parties;
    }
}
