namespace Causeway.Federation.Vectors;

/// <summary>
/// Federated k-means over the parties' collections (docs/vectors.md, "One codebook for every party"): asks a party for
/// Σx, Σx² and n of its (sub-)vectors [Start, Start + Length), as residuals to the nearest of <see cref="Coarse"/> when given.
/// Length 0 asks for n alone.
/// </summary>
public sealed record MomentsRequest(string Collection, float[]? Coarse, int Start, int Length) : ProtocolMessage
{
    public override string Name => "moments request";
}

/// <summary>Asks a party which vector collections its store holds (the dashboard's view of the federation's collections).</summary>
public sealed record CollectionsRequest : ProtocolMessage
{
    public override string Name => "collections request";
}

/// <summary>One collection as a party describes it: its name, shape and size, never a vector.</summary>
/// <param name="Name">The collection's name.</param>
/// <param name="Dimension">Its vectors' length.</param>
/// <param name="Metric">l2, ip or cosine.</param>
/// <param name="Index">The index searches use: flat, hnsw, ivfflat or ivfpq.</param>
/// <param name="Records">The vectors it holds.</param>
public sealed record CollectionSummary(string Name, int Dimension, string Metric, string Index, long Records);

/// <summary>A party's collections, or why it does not say.</summary>
public sealed record CollectionsReply(IReadOnlyList<CollectionSummary> Collections, string? Refusal) : ProtocolMessage
{
    public override string Name => "collections";
}

/// <summary>A party's moments, or why it has none (no such collection).</summary>
public sealed record MomentsReply(double[] Sum, double[] SumSquares, long Count, string? Refusal) : ProtocolMessage
{
    public override string Name => "moments";
}

/// <summary>Asks a party for the per-centroid sums and counts of its (sub-)vectors under these centroids; centroids fewer than <see cref="MinCount"/> of its vectors chose are left out.</summary>
public sealed record CentroidStatsRequest(string Collection, float[] Centroids, float[]? Coarse, int Start, int Length, int MinCount) : ProtocolMessage
{
    public override string Name => "centroid statistics request";

    public override long PayloadBytes => (long)Centroids.Length * sizeof(float);
}

/// <summary>A party's per-centroid sums (k × length) and counts, or why it has none.</summary>
public sealed record CentroidStatsReply(double[] Sums, long[] Counts, string? Refusal) : ProtocolMessage
{
    public override string Name => "centroid statistics";
}

/// <summary>Builds the party's IVF index of <see cref="Collection"/> with the shared codebook.</summary>
/// <param name="Collection">The collection.</param>
/// <param name="Lists">Coarse centroids.</param>
/// <param name="SubQuantizers">m; 0 for IVF-Flat.</param>
/// <param name="Centroids">Lists × dimension.</param>
/// <param name="Codebooks">m × 256 × (dimension / m); empty for IVF-Flat.</param>
public sealed record CodebookInstall(string Collection, int Lists, int SubQuantizers, float[] Centroids, float[] Codebooks) : ProtocolMessage
{
    public override string Name => "codebook install";

    public override long PayloadBytes => (long)(Centroids.Length + Codebooks.Length) * sizeof(float);
}

/// <summary>The records indexed with the shared codebook, or why the party did not install it.</summary>
public sealed record CodebookInstalled(long Records, string? Refusal) : ProtocolMessage
{
    public override string Name => "codebook installed";
}

/// <summary>
/// Use this trained dense network (a model file with its feature pipeline, docs/model-format.md) as the collection's
/// encoder: its last hidden layer embeds raw rows into the collection's vectors, at the party, for new records and for
/// the party's own queries (docs/vectors.md, "Encoders").
/// </summary>
/// <param name="Collection">The collection at every party that holds one.</param>
/// <param name="Model">The model file's bytes.</param>
public sealed record EncoderInstall(string Collection, byte[] Model) : ProtocolMessage
{
    /// <summary>The largest model file an install carries: 64 MiB.</summary>
    public const int MaxModelBytes = 64 << 20;

    public override string Name => "encoder install";

    public override long PayloadBytes => Model.Length;
}

/// <summary>The installed encoder's embedding width, or why the party did not install it.</summary>
public sealed record EncoderInstalled(int Width, string? Refusal) : ProtocolMessage
{
    public override string Name => "encoder installed";
}
