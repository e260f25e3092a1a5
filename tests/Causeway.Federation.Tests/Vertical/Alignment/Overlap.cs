namespace Causeway.Federation.Tests.Vertical.Alignment;

/// <summary>Random ID sets with a known intersection: shared IDs plus IDs unique to each party, shuffled with a fixed seed.</summary>
internal sealed record Overlap(string[] Guest, string[][] Hosts, string[] Shared)
{
    public static Overlap Create(int seed, int shared, int guestOnly, params int[] hostOnly)
    {
        var random = new Random(seed);
        var sharedIds = Enumerable.Range(0, shared).Select(i => $"shared-{seed}-{i}").ToArray();
        var guest = sharedIds.Concat(Enumerable.Range(0, guestOnly).Select(i => $"guest-{i}")).ToArray();
        random.Shuffle(guest);
        var hosts = hostOnly.Select((only, h) =>
        {
            var ids = sharedIds.Concat(Enumerable.Range(0, only).Select(i => $"host{h}-{i}")).ToArray();
            random.Shuffle(ids);
            return ids;
        }).ToArray();
        return new Overlap(guest, hosts, sharedIds);
    }

    /// <summary>The rows of <paramref name="ids"/> holding a member of <paramref name="members"/>, ascending.</summary>
    public static int[] RowsOf(IReadOnlyList<string> ids, IEnumerable<string> members)
    {
        var set = members.ToHashSet();
        return [.. Enumerable.Range(0, ids.Count).Where(i => set.Contains(ids[i]))];
    }
}
