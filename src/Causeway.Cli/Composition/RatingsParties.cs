using System.Globalization;
using Causeway.Federation;
using Causeway.Federation.Recommendation.Data;
using Causeway.Federation.Recommendation.Network;
using Causeway.Party;

namespace Causeway.Cli.Composition;

/// <summary>
/// The ratings parties one <c>causeway party --ratings FILE</c> process serves: the users of its share of the file,
/// either as one party (a shop holding many users, cross-silo) or, with <c>--virtual-users</c>, one party per user
/// (cross-device), each with its own <see cref="PartyClient"/> session and its own <see cref="RatingsHandler"/>, so the
/// coordinator sees independent parties.
/// </summary>
/// <remarks>
/// Every party reads the federation's ratings file and keeps only its users' ratings: the catalogue (item ids in the
/// file's order) and the held-out split (seeded random 80/20, as <c>bench recsys</c>) are then the same everywhere, so
/// a networked run is comparable with the same run in simulation. A deployment where each user holds only their own
/// ratings needs a shared catalogue file instead (not yet).
/// </remarks>
internal sealed class RatingsParties
{
    private RatingsParties(IReadOnlyList<(PartyId Party, RatingsHandler Handler)> parties, int users, int items)
    {
        Parties = parties;
        Users = users;
        Items = items;
    }

    /// <summary>Each party's id and handler.</summary>
    public IReadOnlyList<(PartyId Party, RatingsHandler Handler)> Parties { get; }

    /// <summary>The users served, over all the parties.</summary>
    public int Users { get; }

    /// <summary>The catalogue's size.</summary>
    public int Items { get; }

    /// <summary>Reads <paramref name="path"/> and makes the parties of share <paramref name="share"/> (1-based index of <paramref name="shares"/>).</summary>
    /// <param name="path">The federation's ratings file (user,item,rating[,timestamp]).</param>
    /// <param name="partyId">The party's id, or with <paramref name="virtualUsers"/> the prefix of each user's (<c>{id}-{user}</c>).</param>
    /// <param name="share">This process's share of the users: user number u (0-based, in file order) is served when u mod shares = share − 1.</param>
    /// <param name="shares">The number of shares (processes).</param>
    /// <param name="virtualUsers">One party per user instead of one party for all.</param>
    /// <param name="splitSeed">Seeds the 80/20 held-out split.</param>
    /// <exception cref="Core.Data.DataFormatException">The file is not a ratings file (the message names line and column).</exception>
    public static RatingsParties Load(string path, string partyId, int share, int shares, bool virtualUsers, ulong splitSeed)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(shares);
        ArgumentOutOfRangeException.ThrowIfLessThan(share, 1);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(share, shares);
        RatingsData data;
        using (var stream = File.OpenRead(path))
        {
            data = RatingsReader.Read(stream, path);
        }

        var split = RatingsSplit.Random(data, 0.2, splitSeed);
        var partition = Partition(data, partyId, share, shares, virtualUsers);
        var ratings = PartyRatings.Build(split, partition);
        var parties = partition.Select((p, i) => (p.Party, new RatingsHandler(p.Party, ratings[i], data.ItemIds))).ToList();
        return new RatingsParties(parties, partition.Sum(p => p.Users.Count), data.ItemCount);
    }

    /// <summary>The parties of share <paramref name="share"/> of <paramref name="shares"/> and their users (see <see cref="Load"/>).</summary>
    public static IReadOnlyList<PartyUsers> Partition(RatingsData data, string partyId, int share, int shares, bool virtualUsers)
    {
        ArgumentNullException.ThrowIfNull(data);
        var users = Enumerable.Range(0, data.UserCount).Where(u => u % shares == share - 1).ToList();
        return virtualUsers
            ? [.. users.Select(u => new PartyUsers(new PartyId(string.Create(CultureInfo.InvariantCulture, $"{partyId}-{data.UserIds[u]}")), [u]))]
            : [new PartyUsers(new PartyId(partyId), users)];
    }

    /// <summary>Runs every party's <see cref="PartyHost"/> until <paramref name="cancellationToken"/> is cancelled; returns the tasks completed.</summary>
    /// <param name="options">Client options for a party id (coordinator, token, CA).</param>
    /// <param name="createHost">Makes the host of a client and handler (the caller chooses logging).</param>
    /// <param name="cancellationToken">Stops every party.</param>
    public async Task<int> RunAsync(Func<string, PartyClientOptions> options, Func<PartyClient, ITaskHandler, PartyClientOptions, PartyHost> createHost, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(createHost);
        var clients = new List<PartyClient>(Parties.Count);
        var hosts = new List<PartyHost>(Parties.Count);
        try
        {
            foreach (var (party, handler) in Parties)
            {
                var clientOptions = options(party.Value);
                var client = new PartyClient(clientOptions);
                clients.Add(client);
                hosts.Add(createHost(client, handler, clientOptions));
            }

            await Task.WhenAll(hosts.Select(h => h.RunAsync(cancellationToken)));
            return hosts.Sum(h => h.CompletedTasks);
        }
        finally
        {
            foreach (var host in hosts)
            {
                host.Dispose();
            }

            foreach (var client in clients)
            {
                client.Dispose();
            }
        }
    }
}
