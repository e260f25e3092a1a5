namespace Causeway.Core.Data;

/// <summary>
/// The feature pipeline of a text column: <c>{"name": "review", "type": "text", "features": 1024, "weighting": "tfidf", "stopWords": ["the", "a"]}</c>.
/// </summary>
/// <param name="Features">The hashed dimension (1 to 1,048,576; default 1024): the column gives this many features.</param>
/// <param name="Weighting">Term-frequency or TF-IDF weighting.</param>
/// <param name="StopWords">Lower-case tokens dropped after tokenising (empty by default).</param>
public sealed record TextOptions(int Features, TextWeighting Weighting, IReadOnlySet<string> StopWords)
{
    /// <summary>The tokeniser this column uses.</summary>
    public Tokenizer Tokenizer => new(StopWords);

    public bool Equals(TextOptions? other) =>
        other is not null && Features == other.Features && Weighting == other.Weighting && StopWords.SetEquals(other.StopWords);

    public override int GetHashCode() => HashCode.Combine(Features, Weighting, StopWords.Count);
}
