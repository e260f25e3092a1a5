using System.Text.Json.Nodes;

namespace Causeway.Federation.Vectors;

/// <summary>
/// A federated vector query as each party receives it: search its collection of that name for the <see cref="K"/>
/// nearest records to <see cref="Vector"/>, and answer with what its disclosure policy lets leave (docs/vectors.md).
/// </summary>
/// <param name="Collection">The collection's name at every party that holds one.</param>
/// <param name="Vector">The query vector (finite values).</param>
/// <param name="K">Hits wanted, 1 to <see cref="MaxK"/>.</param>
/// <param name="Ef">HNSW: the candidate list; null for the party's default.</param>
/// <param name="Nprobe">IVF: lists scanned; null for the party's default.</param>
/// <param name="FilterJson">A payload filter (a JSON object), or null.</param>
/// <param name="Querier">Who asks, as the coordinator authenticated them: the party rate-limits and audits by it.</param>
public sealed record VectorQuery(string Collection, float[] Vector, int K, int? Ef, int? Nprobe, string? FilterJson, string Querier) : ProtocolMessage
{
    public const int MaxK = 1000;

    public override string Name => "vector query";

    public override long PayloadBytes => (long)Vector.Length * sizeof(float);

    /// <summary>Why the query is malformed, naming the field; null when it is valid.</summary>
    public string? DescribeProblem() =>
        string.IsNullOrWhiteSpace(Collection) || Collection.Length > 64 ? "collection must be a name of 1 to 64 characters"
        : Vector is null || Vector.Length is 0 or > 65_536 || !Vector.All(float.IsFinite) ? "vector must hold 1 to 65,536 finite numbers"
        : K is < 1 or > MaxK ? $"k must be from 1 to {MaxK}, got {K}"
        : Ef is < 1 || Nprobe is < 1 ? "ef and nprobe must be at least 1 when given"
        : string.IsNullOrWhiteSpace(Querier) || Querier.Length > 256 ? "the querier must be named (1 to 256 characters)"
        : null;
}

/// <summary>A party's answer to a <see cref="VectorQuery"/>: its hits as its policy shapes them, or why it did not answer.</summary>
/// <param name="Hits">Nearest first; empty when refused.</param>
/// <param name="Refusal">Why this party answered nothing (no such collection, too few matches for its minimum answer, rate limit), or null.</param>
public sealed record VectorAnswer(IReadOnlyList<VectorHit> Hits, string? Refusal) : ProtocolMessage
{
    public override string Name => "vector answer";
}

/// <summary>One hit as it leaves its party.</summary>
/// <param name="Id">The record's id at its party.</param>
/// <param name="Distance">Its distance to the query (with the party's noise, if any); null when the party's policy keeps distances in.</param>
/// <param name="PayloadJson">The payload fields the party's policy releases, as a JSON object; null for none.</param>
public sealed record VectorHit(string Id, float? Distance, string? PayloadJson);

/// <summary>One hit of the merged top-k: the party it came from, its id there, and what that party released.</summary>
public sealed record FederatedHit(string Party, string Id, float? Distance, JsonObject? Payload);

/// <summary>How one party took part: answered (with how many hits), refused (why), failed, or timed out.</summary>
public sealed record PartyAnswer(string Party, string Status, int Hits, string? Reason);

/// <summary>A federated search's answer: the merged top-k, every asked party's status, and whether a party was missing.</summary>
public sealed record FederatedSearchResult(string Collection, int K, IReadOnlyList<FederatedHit> Hits, IReadOnlyList<PartyAnswer> Parties, bool Partial, double Milliseconds);
