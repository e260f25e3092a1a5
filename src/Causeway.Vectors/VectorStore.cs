namespace Causeway.Vectors;

/// <summary>
/// A party's vector store: a folder holding one sub-folder per collection (<see cref="VectorCollection"/>). Collections
/// open on first use and stay open until the store is disposed; one process owns a store at a time.
/// </summary>
public sealed class VectorStore : IDisposable
{
    private readonly Lock _lock = new();
    private readonly Dictionary<string, VectorCollection> _open = new(StringComparer.Ordinal);

    private VectorStore(string folder) => Folder = folder;

    public string Folder { get; }

    /// <summary>Opens the store in <paramref name="folder"/>, creating the folder when absent.</summary>
    public static VectorStore Open(string folder)
    {
        ArgumentNullException.ThrowIfNull(folder);
        Directory.CreateDirectory(folder);
        return new VectorStore(Path.GetFullPath(folder));
    }

    /// <summary>The folder of the collection named <paramref name="name"/> (whether or not it exists).</summary>
    public string FolderOf(string name) => Path.Combine(Folder, name);

    /// <summary>The collections' names, sorted.</summary>
    public IReadOnlyList<string> Names() =>
        [.. Directory.EnumerateDirectories(Folder).Where(d => File.Exists(Path.Combine(d, "spec.json"))).Select(Path.GetFileName).Order(StringComparer.Ordinal)!];

    /// <summary>Creates a collection.</summary>
    /// <exception cref="ArgumentException">The spec is invalid.</exception>
    /// <exception cref="IOException">A collection of that name exists (nothing is changed).</exception>
    public VectorCollection Create(CollectionSpec spec)
    {
        ArgumentNullException.ThrowIfNull(spec);
        if (spec.DescribeProblem() is { } problem)
        {
            throw new ArgumentException(problem, nameof(spec));
        }

        lock (_lock)
        {
            var folder = Path.Combine(Folder, spec.Name);
            if (Directory.Exists(folder))
            {
                throw new IOException($"collection '{spec.Name}' exists already in {Folder}");
            }

            var collection = VectorCollection.Create(folder, spec);
            _open[spec.Name] = collection;
            return collection;
        }
    }

    /// <summary>The collection named <paramref name="name"/>, opened on first use; null when the store has none.</summary>
    public VectorCollection? Get(string name)
    {
        ArgumentNullException.ThrowIfNull(name);
        lock (_lock)
        {
            if (_open.TryGetValue(name, out var open))
            {
                return open;
            }

            var folder = Path.Combine(Folder, name);
            if (new CollectionSpec(name, 1, VectorMetric.L2).DescribeProblem() is not null || !File.Exists(Path.Combine(folder, "spec.json")))
            {
                return null;
            }

            var collection = VectorCollection.Open(folder);
            _open[name] = collection;
            return collection;
        }
    }

    public void Dispose()
    {
        lock (_lock)
        {
            foreach (var collection in _open.Values)
            {
                collection.Dispose();
            }

            _open.Clear();
        }
    }
}
