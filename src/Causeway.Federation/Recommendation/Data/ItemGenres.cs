using Causeway.Core.Data;

namespace Causeway.Federation.Recommendation.Data;

/// <summary>
/// The genres of every item of a catalogue: public side information (MovieLens' <c>movies.csv</c>) that the hybrid
/// model (<see cref="RecommenderSpec.Genres"/>) learns a vector per genre for. Every party of a run holds the same map;
/// it says nothing about any user.
/// </summary>
/// <remarks>Stored per item as a run of genre indices (<see cref="Of"/>); an item without a genre has an empty run.</remarks>
public sealed class ItemGenres
{
    private readonly int[] _start;
    private readonly int[] _genres;
    private readonly string[] _names;
    private readonly int[] _itemsPerGenre;

    private ItemGenres(int[] start, int[] genres, string[] names)
    {
        _start = start;
        _genres = genres;
        _names = names;
        _itemsPerGenre = new int[names.Length];
        foreach (var g in genres)
        {
            _itemsPerGenre[g]++;
        }
    }

    /// <summary>The genres' names, by index.</summary>
    public IReadOnlyList<string> Names => _names;

    /// <summary>G, the number of genres.</summary>
    public int Count => _names.Length;

    /// <summary>The number of items in the catalogue.</summary>
    public int ItemCount => _start.Length - 1;

    /// <summary>|I_g|, the catalogue items that have genre <paramref name="genre"/>.</summary>
    public int ItemsWith(int genre) => _itemsPerGenre[genre];

    /// <summary>The genre indices of item <paramref name="item"/>, ascending.</summary>
    public ReadOnlySpan<int> Of(int item) => _genres.AsSpan(_start[item], _start[item + 1] - _start[item]);

    /// <summary>
    /// Reads a MovieLens <c>movies.csv</c> (<c>movieId,title,genres</c> with a header; genres separated by <c>|</c>;
    /// <c>(no genres listed)</c> for none; titles may be quoted and hold commas) for the items of <paramref name="catalogue"/>.
    /// An item of the catalogue missing from the file has no genre.
    /// </summary>
    /// <exception cref="DataFormatException">A row without an id and a genres field (the message names file and line).</exception>
    public static ItemGenres ReadMovieLens(TextReader reader, string sourceName, IReadOnlyList<string> catalogue)
    {
        ArgumentNullException.ThrowIfNull(reader);
        ArgumentNullException.ThrowIfNull(catalogue);
        var index = new Dictionary<string, int>(catalogue.Count, StringComparer.Ordinal);
        for (var i = 0; i < catalogue.Count; i++)
        {
            index[catalogue[i]] = i;
        }

        var names = new List<string>();
        var byName = new Dictionary<string, int>(StringComparer.Ordinal);
        var perItem = new List<int>[catalogue.Count];
        var line = 0;
        while (reader.ReadLine() is { } text)
        {
            line++;
            if (line == 1 || text.Length == 0)
            {
                continue;
            }

            // The id is the first field and the genres the last; the title between them may hold quoted commas.
            var first = text.IndexOf(',', StringComparison.Ordinal);
            var last = text.LastIndexOf(',');
            if (first <= 0 || last <= first)
            {
                throw new DataFormatException($"{sourceName}, line {line}: expected movieId,title,genres.");
            }

            if (!index.TryGetValue(text[..first], out var item))
            {
                continue;
            }

            var genres = perItem[item] = [];
            foreach (var genre in text[(last + 1)..].Split('|', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
            {
                if (genre == "(no genres listed)")
                {
                    continue;
                }

                if (!byName.TryGetValue(genre, out var g))
                {
                    g = byName[genre] = names.Count;
                    names.Add(genre);
                }

                genres.Add(g);
            }
        }

        return Create(perItem.Select(g => (IReadOnlyList<int>?)g ?? []).ToList(), names);
    }

    /// <summary>A map from per-item genre lists (indices into <paramref name="names"/>).</summary>
    public static ItemGenres Create(IReadOnlyList<IReadOnlyList<int>> itemGenres, IReadOnlyList<string> names)
    {
        ArgumentNullException.ThrowIfNull(itemGenres);
        ArgumentNullException.ThrowIfNull(names);
        var start = new int[itemGenres.Count + 1];
        var genres = new List<int>();
        for (var i = 0; i < itemGenres.Count; i++)
        {
            var sorted = itemGenres[i].Distinct().Order().ToArray();
            if (sorted.Any(g => g < 0 || g >= names.Count))
            {
                throw new ArgumentException($"item {i} names a genre outside 0..{names.Count - 1}.", nameof(itemGenres));
            }

            genres.AddRange(sorted);
            start[i + 1] = genres.Count;
        }

        return new ItemGenres(start, [.. genres], [.. names]);
    }
}
