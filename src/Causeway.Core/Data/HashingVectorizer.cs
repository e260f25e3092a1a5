using System.Buffers;

namespace Causeway.Core.Data;

/// <summary>
/// Turns a text into a fixed number of features by signed feature hashing (Weinberger et al., "Feature Hashing for
/// Large Scale Multitask Learning", ICML 2009), optionally weighted by TF-IDF with federation-wide document frequencies.
/// </summary>
/// <remarks>
/// Each token t (see <see cref="Tokenizer"/>) has h = MurmurHash3_x86_32(UTF-8(t), seed 0) (<see cref="StableHash"/>);
/// it adds sign(t) = +1 when bit 31 of h is 0 and −1 otherwise to bucket h mod D. Effectively computes
/// v[j] = Σ_{t in doc, h(t) mod D = j} sign(t) · idf[j], then v / ‖v‖₂ (a zero vector stays zero). With TF weighting
/// idf[j] = 1; with TF-IDF idf[j] = ln((1 + N) / (1 + df[j])) + 1, where N is the number of documents and df[j] the
/// number of documents with at least one token in bucket j, both summed over all parties
/// (<see cref="FeatureStatistics.DocumentFrequencies"/>): the IDF is that of the pooled corpus, and no text leaves a party.
/// </remarks>
public sealed class HashingVectorizer
{
    private readonly Tokenizer _tokenizer;

    public HashingVectorizer(TextOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        Options = options;
        _tokenizer = options.Tokenizer;
    }

    public TextOptions Options { get; }

    /// <summary>The bucket and sign of one token in a space of <paramref name="dimension"/> features.</summary>
    public static (int Index, int Sign) Hash(string token, int dimension)
    {
        ArgumentNullException.ThrowIfNull(token);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(dimension);
        var h = StableHash.Murmur3(token);
        return ((int)(h % (uint)dimension), (h & 0x8000_0000u) == 0 ? 1 : -1);
    }

    /// <summary>Adds 1 to <paramref name="frequencies"/>[j] for every bucket j that at least one token of the text falls in.</summary>
    public void CountDocument(string? text, Span<long> frequencies)
    {
        CheckLength(frequencies.Length);
        var seen = new HashSet<int>();
        foreach (var token in _tokenizer.Tokenize(text))
        {
            var (index, _) = Hash(token, Options.Features);
            if (seen.Add(index))
            {
                frequencies[index]++;
            }
        }
    }

    /// <summary>The smoothed inverse document frequencies ln((1 + N) / (1 + df[j])) + 1.</summary>
    public static double[] InverseDocumentFrequencies(long documents, ReadOnlySpan<long> frequencies)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(documents);
        var result = new double[frequencies.Length];
        for (var j = 0; j < result.Length; j++)
        {
            result[j] = Math.Log((1.0 + documents) / (1.0 + frequencies[j])) + 1.0;
        }

        return result;
    }

    /// <summary>Writes the features of one text into <paramref name="destination"/> (length <see cref="TextOptions.Features"/>).</summary>
    /// <param name="text">The text; null or empty gives all zeros.</param>
    /// <param name="idf">The inverse document frequencies for TF-IDF, or empty for TF weighting.</param>
    /// <param name="destination">Overwritten with the L2-normalised features.</param>
    public void Transform(string? text, ReadOnlySpan<double> idf, Span<float> destination)
    {
        CheckLength(destination.Length);
        if (!idf.IsEmpty)
        {
            CheckLength(idf.Length);
        }

        var rented = ArrayPool<double>.Shared.Rent(destination.Length);
        try
        {
            Accumulate(text, idf, rented.AsSpan(0, destination.Length), destination);
        }
        finally
        {
            ArrayPool<double>.Shared.Return(rented);
        }
    }

    private void Accumulate(string? text, ReadOnlySpan<double> idf, Span<double> values, Span<float> destination)
    {
        values.Clear();
        foreach (var token in _tokenizer.Tokenize(text))
        {
            var (index, sign) = Hash(token, Options.Features);
            values[index] += sign;
        }

        var squares = 0.0;
        for (var j = 0; j < values.Length; j++)
        {
            if (values[j] != 0 && !idf.IsEmpty)
            {
                values[j] *= idf[j];
            }

            squares += values[j] * values[j];
        }

        var scale = squares > 0 ? 1.0 / Math.Sqrt(squares) : 0.0;
        for (var j = 0; j < values.Length; j++)
        {
            destination[j] = (float)(values[j] * scale);
        }
    }

    private void CheckLength(int length)
    {
        if (length != Options.Features)
        {
            throw new ArgumentException($"Expected a span of {Options.Features} features, got {length}.");
        }
    }
}
