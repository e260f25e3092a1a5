namespace Causeway.Core.Data;

/// <summary>How the hashed token counts of a text column are weighted (<c>"weighting"</c>).</summary>
public enum TextWeighting
{
    /// <summary>Signed term counts, L2-normalised per document (<c>"tf"</c>).</summary>
    TermFrequency,

    /// <summary>
    /// Signed term counts times idf = ln((1 + N) / (1 + df)) + 1 with the federation's merged document frequencies, L2-normalised
    /// per document (<c>"tfidf"</c>, the default; the smoothed idf of scikit-learn's TfidfTransformer).
    /// </summary>
    TfIdf,
}
