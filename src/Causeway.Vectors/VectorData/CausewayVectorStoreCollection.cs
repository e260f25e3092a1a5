using System.Reflection;
using System.Runtime.CompilerServices;
using System.Text.Json;
using System.Text.Json.Nodes;
using Microsoft.Extensions.VectorData;

namespace Causeway.Vectors.VectorData;

/// <summary>
/// A collection of a party's <see cref="VectorStore"/> through the standard .NET abstraction
/// (Microsoft.Extensions.VectorData), so an application written against it uses the party's store unchanged.
/// </summary>
/// <typeparam name="TRecord">
/// A class with one <c>[VectorStoreKey]</c> string property, one <c>[VectorStoreVector(n)]</c> property of
/// <c>ReadOnlyMemory&lt;float&gt;</c> or <c>float[]</c>, and <c>[VectorStoreData]</c> properties, which become the
/// record's JSON payload under their names.
/// </typeparam>
/// <remarks>
/// <para>
/// The vector's <c>DistanceFunction</c> chooses the metric: <c>EuclideanSquaredDistance</c> (the default) is L2,
/// <c>DotProductSimilarity</c> inner product, <c>CosineSimilarity</c> and <c>CosineDistance</c> cosine. A search result's
/// score is the store's distance for the distance functions and 1 − distance for the similarities, so higher is better
/// exactly when the abstraction says so.
/// </para>
/// <para>
/// Filters (<c>VectorSearchOptions.Filter</c>, the filtered <c>GetAsync</c>) are any predicate over the record: they run
/// inside the index search on the record rebuilt from its payload, not translated to a query language.
/// <c>EnsureCollectionDeletedAsync</c> is refused: Causeway never deletes a party's data through an API; delete the
/// collection's folder by hand.
/// </para>
/// </remarks>
public sealed class CausewayVectorStoreCollection<TRecord> : VectorStoreCollection<string, TRecord>
    where TRecord : class
{
    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.General);
    private readonly VectorStore _store;
    private readonly PropertyInfo _key;
    private readonly PropertyInfo _vector;
    private readonly PropertyInfo[] _data;
    private readonly CollectionSpec _spec;
    private readonly bool _similarity;

    /// <param name="store">The party's store (owned by the caller).</param>
    /// <param name="name">The collection's name.</param>
    /// <exception cref="ArgumentException"><typeparamref name="TRecord"/> does not describe a record as above (the message says what is missing).</exception>
    public CausewayVectorStoreCollection(VectorStore store, string name)
    {
        ArgumentNullException.ThrowIfNull(store);
        ArgumentNullException.ThrowIfNull(name);
        _store = store;
        var properties = typeof(TRecord).GetProperties(BindingFlags.Public | BindingFlags.Instance);
        _key = properties.SingleOrDefault(p => p.GetCustomAttribute<VectorStoreKeyAttribute>() is not null && p.PropertyType == typeof(string))
            ?? throw new ArgumentException($"{typeof(TRecord).Name} needs one [VectorStoreKey] string property");
        _vector = properties.SingleOrDefault(p => p.GetCustomAttribute<VectorStoreVectorAttribute>() is not null
                && (p.PropertyType == typeof(ReadOnlyMemory<float>) || p.PropertyType == typeof(float[])))
            ?? throw new ArgumentException($"{typeof(TRecord).Name} needs one [VectorStoreVector] property of ReadOnlyMemory<float> or float[]");
        _data = [.. properties.Where(p => p.GetCustomAttribute<VectorStoreDataAttribute>() is not null)];
        var vector = _vector.GetCustomAttribute<VectorStoreVectorAttribute>()!;
        var function = vector.DistanceFunction ?? DistanceFunction.EuclideanSquaredDistance;
        var metric = function switch
        {
            DistanceFunction.EuclideanSquaredDistance => VectorMetric.L2,
            DistanceFunction.DotProductSimilarity => VectorMetric.InnerProduct,
            DistanceFunction.CosineSimilarity or DistanceFunction.CosineDistance => VectorMetric.Cosine,
            _ => throw new ArgumentException($"distance function {function} is not served; use EuclideanSquaredDistance, DotProductSimilarity, CosineSimilarity or CosineDistance"),
        };
        _similarity = function is DistanceFunction.DotProductSimilarity or DistanceFunction.CosineSimilarity;
        _spec = new CollectionSpec(name, vector.Dimensions, metric);
        if (_spec.DescribeProblem() is { } problem)
        {
            throw new ArgumentException(problem);
        }
    }

    public override string Name => _spec.Name;

    public override Task<bool> CollectionExistsAsync(CancellationToken cancellationToken = default) => Task.FromResult(_store.Get(_spec.Name) is not null);

    public override Task EnsureCollectionExistsAsync(CancellationToken cancellationToken = default)
    {
        if (_store.Get(_spec.Name) is null)
        {
            _store.Create(_spec);
        }

        return Task.CompletedTask;
    }

    public override Task EnsureCollectionDeletedAsync(CancellationToken cancellationToken = default) =>
        throw new NotSupportedException($"Causeway never deletes a party's data through an API; delete the folder {_store.FolderOf(_spec.Name)} by hand.");

    public override Task<TRecord?> GetAsync(string key, RecordRetrievalOptions? options = null, CancellationToken cancellationToken = default) =>
        Task.FromResult(Collection().Get(key) is { } record ? ToRecord(record, options?.IncludeVectors ?? false) : null);

    public override async IAsyncEnumerable<TRecord> GetAsync(
        System.Linq.Expressions.Expression<Func<TRecord, bool>> filter, int top, FilteredRecordRetrievalOptions<TRecord>? options = null,
        [EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(filter);
        var predicate = filter.Compile();
        var include = options?.IncludeVectors ?? false;
        foreach (var record in Collection().Scan().OrderBy(r => r.Id, StringComparer.Ordinal).Select(r => ToRecord(r, include)).Where(predicate).Skip(options?.Skip ?? 0).Take(top))
        {
            cancellationToken.ThrowIfCancellationRequested();
            yield return record;
        }

        await Task.CompletedTask.ConfigureAwait(false);
    }

    public override Task DeleteAsync(string key, CancellationToken cancellationToken = default)
    {
        Collection().Delete([key]);
        return Task.CompletedTask;
    }

    public override Task UpsertAsync(TRecord record, CancellationToken cancellationToken = default) => UpsertAsync([record], cancellationToken);

    public override Task UpsertAsync(IEnumerable<TRecord> records, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(records);
        Collection().Upsert([.. records.Select(ToStored)]);
        return Task.CompletedTask;
    }

    public override async IAsyncEnumerable<VectorSearchResult<TRecord>> SearchAsync<TInput>(
        TInput searchValue, int top, VectorSearchOptions<TRecord>? options = null, [EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        float[] query = searchValue switch
        {
            float[] array => array,
            ReadOnlyMemory<float> memory => memory.ToArray(),
            _ => throw new NotSupportedException($"search with a float[] or ReadOnlyMemory<float>, not {typeof(TInput).Name}"),
        };
        var predicate = options?.Filter?.Compile();
        var skip = options?.Skip ?? 0;
        var include = options?.IncludeVectors ?? false;
        var hits = Collection().Search(query, top + skip, predicate is null ? null : (id, payload) => predicate(ToRecord(new VectorRecord(id, [], payload), includeVector: false)));
        foreach (var hit in hits.Skip(skip))
        {
            cancellationToken.ThrowIfCancellationRequested();
            var score = _similarity ? 1 - hit.Distance : hit.Distance;
            if (options?.ScoreThreshold is { } threshold && (_similarity ? score < threshold : score > threshold))
            {
                continue;
            }

            var record = include ? Collection().Get(hit.Id)! : new VectorRecord(hit.Id, [], hit.Payload);
            yield return new VectorSearchResult<TRecord>(ToRecord(record, include), score);
        }

        await Task.CompletedTask.ConfigureAwait(false);
    }

    public override object? GetService(Type serviceType, object? serviceKey = null) =>
        serviceKey is null && serviceType == typeof(VectorStore) ? _store : null;

    private VectorCollection Collection() =>
        _store.Get(_spec.Name) ?? throw new InvalidOperationException($"collection '{_spec.Name}' does not exist; call EnsureCollectionExistsAsync first");

    private VectorRecord ToStored(TRecord record)
    {
        var payload = new JsonObject();
        foreach (var property in _data)
        {
            payload[property.Name] = JsonSerializer.SerializeToNode(property.GetValue(record), property.PropertyType, Json);
        }

        var vector = _vector.GetValue(record) switch
        {
            ReadOnlyMemory<float> memory => memory.ToArray(),
            float[] array => array,
            _ => [],
        };
        return new VectorRecord((string?)_key.GetValue(record) ?? string.Empty, vector, payload);
    }

    private TRecord ToRecord(VectorRecord stored, bool includeVector)
    {
        var record = (TRecord)(Activator.CreateInstance(typeof(TRecord)) ?? throw new InvalidOperationException($"{typeof(TRecord).Name} needs a public parameterless constructor"));
        _key.SetValue(record, stored.Id);
        foreach (var property in _data)
        {
            if (stored.Payload?[property.Name] is { } value)
            {
                property.SetValue(record, value.Deserialize(property.PropertyType, Json));
            }
        }

        if (includeVector)
        {
            _vector.SetValue(record, _vector.PropertyType == typeof(float[]) ? stored.Vector : new ReadOnlyMemory<float>(stored.Vector));
        }

        return record;
    }
}
