namespace Causeway.Vectors;

/// <summary>How vectors are stored in an HNSW index.</summary>
public enum HnswQuantization
{
    /// <summary>float32: exact vectors, 4 bytes a value.</summary>
    F32,

    /// <summary>float16: 2 bytes a value, about 3 significant digits.</summary>
    F16,

    /// <summary>int8 after normalising to unit length: 1 byte a value; cosine collections only.</summary>
    I8,
}

/// <summary>An HNSW index's parameters, with hnswlib's names and defaults where it has them.</summary>
/// <param name="M">Links per node (connectivity), 2 to 256. Default 16.</param>
/// <param name="EfConstruction">The candidate list while inserting, ≥ M. Default 128.</param>
/// <param name="EfSearch">The candidate list while searching, when a query does not name one, ≥ 1. Default 64.</param>
/// <param name="Quantization">How vectors are stored. Default float32.</param>
public sealed record HnswOptions(int M = 16, int EfConstruction = 128, int EfSearch = 64, HnswQuantization Quantization = HnswQuantization.F32)
{
    /// <summary>Why these options cannot index a collection of <paramref name="spec"/>, or null.</summary>
    public string? DescribeProblem(CollectionSpec spec)
    {
        ArgumentNullException.ThrowIfNull(spec);
        return M is < 2 or > 256 ? $"hnsw: M must be 2 to 256, got {M}"
            : EfConstruction < M ? $"hnsw: efConstruction must be at least M ({M}), got {EfConstruction}"
            : EfSearch < 1 ? $"hnsw: efSearch must be at least 1, got {EfSearch}"
            : !Enum.IsDefined(Quantization) ? $"hnsw: unknown quantization {Quantization}"
            : Quantization == HnswQuantization.I8 && spec.Metric != VectorMetric.Cosine ? $"hnsw: i8 quantization normalises vectors, so it needs the cosine metric; collection '{spec.Name}' uses {spec.Metric}"
            : null;
    }
}

/// <summary>The trained half of an IVF index: coarse centroids and, for IVF-PQ, the sub-vector codebooks.</summary>
/// <param name="Dimension">d.</param>
/// <param name="Lists">The coarse centroids (nlist).</param>
/// <param name="SubQuantizers">m sub-vectors of d/m values each; 0 for IVF-Flat.</param>
/// <param name="Centroids">nlist × d, row-major.</param>
/// <param name="Codebooks">m × 256 × (d/m), row-major; null for IVF-Flat.</param>
public sealed record IvfCodebook(int Dimension, int Lists, int SubQuantizers, float[] Centroids, float[]? Codebooks)
{
    private const int Magic = 0x31465643; // "CVF1"

    /// <summary>The sub-vector codebooks, m × 256 × (d/m); empty for IVF-Flat.</summary>
    public float[] Codebooks { get; init; } = Codebooks ?? [];

    internal void Write(BinaryWriter writer)
    {
        writer.Write(Magic);
        writer.Write(Dimension);
        writer.Write(Lists);
        writer.Write(SubQuantizers);
        foreach (var value in Centroids)
        {
            writer.Write(value);
        }

        writer.Write(Codebooks.Length);
        foreach (var value in Codebooks)
        {
            writer.Write(value);
        }
    }

    internal static IvfCodebook Read(BinaryReader reader)
    {
        if (reader.ReadInt32() != Magic)
        {
            throw new InvalidOperationException("not an IVF index file");
        }

        var (d, lists, m) = (reader.ReadInt32(), reader.ReadInt32(), reader.ReadInt32());
        if (d is < 1 or > CollectionSpec.MaxDimension || lists < 1 || m < 0 || (long)lists * d > int.MaxValue)
        {
            throw new InvalidOperationException("the IVF index file's header is out of range");
        }

        var centroids = new float[lists * d];
        for (var i = 0; i < centroids.Length; i++)
        {
            centroids[i] = reader.ReadSingle();
        }

        var books = new float[reader.ReadInt32()];
        for (var i = 0; i < books.Length; i++)
        {
            books[i] = reader.ReadSingle();
        }

        return new IvfCodebook(d, lists, m, centroids, books.Length == 0 ? null : books);
    }
}

/// <summary>An IVF index's parameters, with FAISS's names where it has them.</summary>
/// <param name="Nlist">Coarse lists; null for √(records) at build time.</param>
/// <param name="Nprobe">Lists a query scans when it does not say, ≥ 1. Default 8.</param>
/// <param name="M">IVF-PQ: sub-vectors per vector (bytes per code), dividing the dimension; null for dimension / 8. Ignored by IVF-Flat.</param>
/// <param name="Rerank">IVF-PQ: candidates per wanted hit re-ranked with the exact vectors, ≥ 1. Default 4 (FAISS's k_factor in its bench).</param>
/// <param name="TrainIterations">k-means steps for the centroids and codebooks. Default 10.</param>
/// <param name="TrainPerList">Training rows per list (a seeded sample). Default 64.</param>
public sealed record IvfOptions(int? Nlist = null, int Nprobe = 8, int? M = null, int Rerank = 4, int TrainIterations = 10, int TrainPerList = 64)
{
    /// <summary>Why these options cannot index a collection of <paramref name="spec"/> (<paramref name="pq"/>: IVF-PQ), or null.</summary>
    public string? DescribeProblem(CollectionSpec spec, bool pq)
    {
        ArgumentNullException.ThrowIfNull(spec);
        var m = M ?? Math.Max(1, spec.Dimension / 8);
        return spec.Metric == VectorMetric.InnerProduct ? $"ivf: collection '{spec.Name}' uses inner product; IVF indexes serve l2 and cosine collections (use hnsw or flat)"
            : Nlist is < 1 ? $"ivf: nlist must be at least 1, got {Nlist}"
            : Nprobe < 1 ? $"ivf: nprobe must be at least 1, got {Nprobe}"
            : Rerank < 1 ? $"ivf: rerank must be at least 1, got {Rerank}"
            : TrainIterations < 1 || TrainPerList < 1 ? "ivf: trainIterations and trainPerList must be at least 1"
            : pq && (m < 1 || spec.Dimension % m != 0) ? $"ivfpq: m must divide the dimension {spec.Dimension}, got {m}"
            : null;
    }

    internal int SubQuantizers(CollectionSpec spec) => M ?? Math.Max(1, spec.Dimension / 8);
}

/// <summary>Per-query knobs; each index reads the ones it has.</summary>
/// <param name="Ef">HNSW: the candidate list's size while searching (≥ k); null for the index's default.</param>
/// <param name="Nprobe">IVF: the lists a query scans; null for the index's default.</param>
public sealed record SearchOptions(int? Ef = null, int? Nprobe = null)
{
    public static SearchOptions Default { get; } = new();
}
