using System.Globalization;
using Causeway.Coordinator.Parties;
using Causeway.Coordinator.Refusals;
using Causeway.Federation;
using Causeway.Federation.Horizontal;
using Causeway.Federation.Vectors;
using Causeway.Vectors;

namespace Causeway.Coordinator.Vectors;

/// <summary>
/// Trains one IVF codebook over the connected parties' collections by federated k-means (<see cref="FederatedKMeans"/>),
/// each Lloyd step a round of protocol steps that return statistics only, then installs it at every party that took part,
/// so they all encode with the same centroids (docs/vectors.md, "One codebook for every party").
/// </summary>
/// <remarks>
/// In the clear, the coordinator sees each party's moments and its per-centroid sums and counts for the centroids at
/// least <c>minCount</c> of its vectors chose; never a vector. Under secure aggregation (<c>secure</c>) it sees each
/// party's vector count and only the totals over the parties. Parties that do not hold the collection are left out and
/// named.
/// </remarks>
internal sealed class CodebookTraining(IStepChannel channel, PartyRegistry parties, TimeProvider time)
{
    /// <summary>How long a party may take over one step: 60 s.</summary>
    public static readonly TimeSpan StepTimeout = TimeSpan.FromSeconds(60);

    private long _jobs;

    /// <exception cref="InvalidRequestException">A value is out of range (the message names it).</exception>
    /// <exception cref="ConflictException">No connected party holds the collection.</exception>
    /// <exception cref="PartyFailedException">A party failed or refused a step midway.</exception>
    public async Task<CodebookResult> TrainAsync(CodebookRequest request, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(request);
        var m = request.Kind == "ivfpq" ? request.M ?? Math.Max(1, request.Dimension / 8) : 0;
        // The collection's name and dimension, and the IVF layout, by the store's own rules (the metric does not matter here).
        var spec = new CollectionSpec(request.Collection ?? string.Empty, request.Dimension, VectorMetric.L2);
        var problem = spec.DescribeProblem()
            ?? (request.Kind is not ("ivfflat" or "ivfpq") ? $"kind must be ivfflat or ivfpq, got '{request.Kind}'" : null)
            ?? (request.Lists > 65_536 ? $"lists must be at most 65,536, got {request.Lists}" : null)
            ?? new IvfOptions(Nlist: request.Lists, M: m == 0 ? null : m).DescribeProblem(spec, pq: m > 0)
            ?? (request.Iterations is < 1 or > 100 ? $"iterations must be 1 to 100, got {request.Iterations}" : null)
            ?? (request.MinCount < 1 ? $"minCount must be at least 1, got {request.MinCount}" : null)
            ?? (request.Secure && request.ValueBound is not (> 0 and < double.PositiveInfinity)
                ? "secure training needs valueBound, a public bound B > 0 on every vector value (|x| ≤ B), e.g. 255 for pixels" : null);
        if (problem is not null)
        {
            throw new InvalidRequestException(problem);
        }

        var started = time.GetTimestamp();
        var job = string.Create(CultureInfo.InvariantCulture, $"vector-codebook-{Interlocked.Increment(ref _jobs)}");
        var asked = PartySteps.Connected(parties);

        // Who holds the collection, and how many vectors: a count-only moments step; the others are named and left out.
        var probes = await Task.WhenAll(asked.Select(p => ExchangeAsync(p, job, new MomentsRequest(request.Collection!, null, 0, 0), cancellationToken))).ConfigureAwait(false);
        var statuses = new List<CodebookParty>();
        var taking = new List<PartyId>();
        foreach (var (party, reply) in asked.Zip(probes))
        {
            if (reply is MomentsReply { Refusal: null, Count: > 0 })
            {
                taking.Add(party);
            }
            else
            {
                statuses.Add(new CodebookParty(party.Value, "left out", 0, reply is MomentsReply { Refusal: { } why } ? why : "it holds no vectors in this collection"));
            }
        }

        if (taking.Count == 0)
        {
            throw new ConflictException($"no connected party holds vectors in collection '{request.Collection}'");
        }

        if (request.Secure && taking.Count < 2)
        {
            throw new ConflictException($"secure aggregation needs at least 2 parties holding collection '{request.Collection}'; {taking.Count} does");
        }

        ICentroidStatistics statistics = request.Secure
            ? new SecureCentroidStatistics(
                channel, taking, job, request.Collection!, request.ValueBound!.Value, probes.OfType<MomentsReply>().Where(r => r.Refusal is null).Sum(r => r.Count), StepTimeout)
            : new SummedStatistics([.. taking.Select(p => new NetworkSource(this, p, job, request.Collection!))]);
        var codebook = await FederatedKMeans.TrainAsync(statistics, request.Dimension, request.Lists, m, request.Iterations, request.MinCount, request.Seed, cancellationToken).ConfigureAwait(false);

        var install = new CodebookInstall(request.Collection!, codebook.Lists, codebook.SubQuantizers, codebook.Centroids, codebook.SubQuantizers == 0 ? [] : [.. codebook.Codebooks]);
        var installed = await Task.WhenAll(taking.Select(p => ExchangeAsync(p, job, install, cancellationToken))).ConfigureAwait(false);
        foreach (var (party, reply) in taking.Zip(installed))
        {
            statuses.Add(reply is CodebookInstalled { Refusal: null } done
                ? new CodebookParty(party.Value, "installed", done.Records, null)
                : new CodebookParty(party.Value, "failed", 0, reply is CodebookInstalled { Refusal: { } why } ? why : "no answer to the install"));
        }

        return new CodebookResult(
            request.Collection!, request.Kind!, codebook.Lists, codebook.SubQuantizers, request.Iterations, request.Secure, [.. statuses.OrderBy(s => s.Party, StringComparer.Ordinal)],
            time.GetElapsedTime(started).TotalSeconds);
    }

    private Task<ProtocolMessage?> ExchangeAsync(PartyId party, string job, ProtocolMessage request, CancellationToken cancellationToken) =>
        PartySteps.AskAsync(channel, party, job, request, StepTimeout, cancellationToken);

    // One party's statistics, as protocol steps; a refusal or a lost step stops the training.
    private sealed class NetworkSource(CodebookTraining training, PartyId party, string job, string collection) : ICentroidStatisticsSource
    {
        public async Task<(double[] Sum, double[] SumSquares, long Count)> MomentsAsync(float[]? coarse, int start, int length, CancellationToken cancellationToken) =>
            await training.ExchangeAsync(party, job, new MomentsRequest(collection, coarse, start, length), cancellationToken).ConfigureAwait(false) switch
            {
                MomentsReply { Refusal: null } reply when reply.Sum.Length == length => (reply.Sum, reply.SumSquares, reply.Count),
                var other => throw Failed(other),
            };

        public async Task<(double[] Sums, long[] Counts)> AccumulateAsync(float[] centroids, float[]? coarse, int start, int length, int minCount, CancellationToken cancellationToken) =>
            await training.ExchangeAsync(party, job, new CentroidStatsRequest(collection, centroids, coarse, start, length, minCount), cancellationToken).ConfigureAwait(false) switch
            {
                CentroidStatsReply { Refusal: null } reply when reply.Sums.Length == centroids.Length && reply.Counts.Length == centroids.Length / length => (reply.Sums, reply.Counts),
                var other => throw Failed(other),
            };

        private PartyFailedException Failed(ProtocolMessage? reply) => new(
            $"party '{party}' {(reply is null ? "did not answer a k-means step" : $"answered a k-means step with {(reply is MomentsReply { Refusal: { } a } ? a : reply is CentroidStatsReply { Refusal: { } b } ? b : "statistics of the wrong shape")}")}; the codebook was not trained");
    }
}

/// <summary>
/// A codebook training request: <c>{"collection", "dimension", "kind": "ivfpq", "lists", "m", "iterations", "minCount",
/// "seed", "secure", "valueBound"}</c>. With <c>secure</c>, every step's statistics are summed under secure aggregation
/// and <c>valueBound</c> (B, with |x| ≤ B for every vector value) sizes their fixed-point encoding.
/// </summary>
public sealed record CodebookRequest(
    string? Collection, int Dimension, string? Kind = "ivfpq", int Lists = 64, int? M = null, int Iterations = 10, int MinCount = 5, int Seed = 42,
    bool Secure = false, double? ValueBound = null);

/// <summary>How one party took part: installed (with its records), left out (why), or failed.</summary>
public sealed record CodebookParty(string Party, string Status, long Records, string? Reason);

/// <summary>The trained codebook's shape and every party's part.</summary>
public sealed record CodebookResult(string Collection, string Kind, int Lists, int M, int Iterations, bool Secure, IReadOnlyList<CodebookParty> Parties, double Seconds);
