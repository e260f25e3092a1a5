using System.Text.Json.Nodes;

namespace Causeway.Vectors.Tests;

public sealed class VectorCollectionTests : IDisposable
{
    private readonly DirectoryInfo _root = Directory.CreateTempSubdirectory("causeway-vectors-");

    private string Folder => Path.Combine(_root.FullName, "items");

    public void Dispose() => _root.Delete(recursive: true);

    [Theory]
    [InlineData(VectorMetric.L2)]
    [InlineData(VectorMetric.InnerProduct)]
    [InlineData(VectorMetric.Cosine)]
    public void Search_Flat_ReturnsTheKNearestByTheMetric_NearestFirst(VectorMetric metric)
    {
        var records = Random(300, 8, seed: 1);
        using var collection = VectorCollection.Create(Folder, new CollectionSpec("items", 8, metric));
        collection.Upsert(records);
        var query = Random(1, 8, seed: 2)[0].Vector;

        var hits = collection.Search(query, 10);

        var expected = records.Select(r => (r.Id, Distance: Reference(metric, query, r.Vector))).OrderBy(r => r.Distance).Take(10).ToList();
        Assert.Equal(expected.Select(e => e.Id), hits.Select(h => h.Id));
        Assert.All(hits.Zip(expected), p => Assert.Equal(p.Second.Distance, p.First.Distance, 1e-4));
    }

    [Fact]
    public void UpsertGetDelete_ReplaceByIdAndDeleteByIdCountWhatIsThere()
    {
        using var collection = VectorCollection.Create(Folder, new CollectionSpec("items", 2, VectorMetric.L2));
        collection.Upsert([new("a", [1, 0], new JsonObject { ["shop"] = "north" }), new("b", [0, 1])]);

        collection.Upsert([new("a", [5, 5], new JsonObject { ["shop"] = "south" })]);
        var deleted = collection.Delete(["b", "nobody", "b"]);

        Assert.Equal((1, 1), (deleted, collection.Count));
        var a = collection.Get("a")!;
        Assert.Equal([5f, 5f], a.Vector);
        Assert.Equal("south", a.Payload!["shop"]!.GetValue<string>());
        Assert.Null(collection.Get("b"));
        Assert.Equal(["a"], collection.Search([0, 1], 5).Select(h => h.Id));
    }

    [Fact]
    public void Search_WithAPayloadFilter_ReturnsOnlyMatchingRecords_AndRangeSearchKeepsTheRadius()
    {
        using var collection = VectorCollection.Create(Folder, new CollectionSpec("items", 1, VectorMetric.L2));
        collection.Upsert([.. Enumerable.Range(0, 20).Select(i => new VectorRecord(
            $"r{i}", [i], new JsonObject { ["parity"] = i % 2 == 0 ? "even" : "odd", ["decade"] = i / 10 }))]);

        var odd = collection.Search([0], 3, PayloadFilter.From(new JsonObject { ["parity"] = "odd" }));
        var either = collection.Search([0], 20, PayloadFilter.From(new JsonObject { ["decade"] = new JsonArray(1), ["parity"] = new JsonArray("even", "odd") }));
        var near = collection.SearchRange([10], 4f, limit: 100);
        var nearOdd = collection.SearchRange([10], 4f, limit: 100, PayloadFilter.From(new JsonObject { ["parity"] = "odd" }));

        Assert.Equal(["r1", "r3", "r5"], odd.Select(h => h.Id));
        Assert.Equal(Enumerable.Range(10, 10).Select(i => $"r{i}"), either.Select(h => h.Id));
        Assert.Equal(["r10", "r11", "r9", "r12", "r8"], near.Select(h => h.Id));
        Assert.Equal([1f, 1f], nearOdd.Select(h => h.Distance));
    }

    [Fact]
    public void Reopen_AfterWritesAndACheckpoint_HoldsExactlyTheAcknowledgedRecords()
    {
        var records = Random(500, 16, seed: 3);
        using (var collection = VectorCollection.Create(Folder, new CollectionSpec("items", 16, VectorMetric.Cosine)))
        {
            collection.Upsert(records[..300]);
            collection.Checkpoint();
            collection.Upsert(records[300..]);
            collection.Delete([.. records.Take(50).Select(r => r.Id)]);
        }

        using var reopened = VectorCollection.Open(Folder);

        Assert.Equal((450, 0L, new CollectionSpec("items", 16, VectorMetric.Cosine)), (reopened.Count, reopened.DroppedTornBytes, reopened.Spec));
        Assert.Null(reopened.Get(records[0].Id));
        Assert.All(records.Skip(50), r => Assert.Equal(r.Vector, reopened.Get(r.Id)!.Vector));
        Assert.Equal(records[^1].Payload!.ToJsonString(), reopened.Get(records[^1].Id)!.Payload!.ToJsonString());
    }

    [Fact]
    public void Reopen_AfterACrashCutTheLastBatch_DropsOnlyThatBatch()
    {
        var records = Random(30, 4, seed: 4);
        using (var collection = VectorCollection.Create(Folder, new CollectionSpec("items", 4, VectorMetric.L2)))
        {
            collection.Upsert(records[..20]);
        }

        // The bytes a crash leaves of a third batch that was never acknowledged: a frame header and part of its body.
        var log = Path.Combine(Folder, "log");
        var whole = File.ReadAllBytes(log);
        using (var collection = VectorCollection.Open(Folder))
        {
            collection.Upsert(records[20..]);
        }

        var withBatch = File.ReadAllBytes(log);
        File.WriteAllBytes(log, withBatch[..(whole.Length + ((withBatch.Length - whole.Length) / 2))]);

        using var reopened = VectorCollection.Open(Folder);

        Assert.Equal(20, reopened.Count);
        Assert.Equal((withBatch.Length - whole.Length) / 2, reopened.DroppedTornBytes);
        Assert.Equal(whole.Length, new FileInfo(log).Length);
        reopened.Upsert(records[20..]);
        Assert.Equal(30, reopened.Count);
    }

    [Theory]
    [InlineData(3, 0f, "record 'bad': the vector has 3 values; collection 'items' has dimension 4")]
    [InlineData(4, float.NaN, "record 'bad': value 2 of the vector is not a finite number")]
    public void Upsert_ABadRecord_IsRefusedNamingIt_AndTheBatchWritesNothing(int length, float poison, string expected)
    {
        using var collection = VectorCollection.Create(Folder, new CollectionSpec("items", 4, VectorMetric.L2));
        collection.Upsert([new("good", [1, 2, 3, 4])]);
        var logLength = new FileInfo(Path.Combine(Folder, "log")).Length;
        var vector = new float[length];
        vector[Math.Min(2, length - 1)] = poison;

        var error = Assert.Throws<ArgumentException>(() => collection.Upsert([new("fine", [0, 0, 0, 0]), new("bad", vector)]));

        Assert.StartsWith(expected, error.Message, StringComparison.Ordinal);
        Assert.Equal((1, logLength), (collection.Count, new FileInfo(Path.Combine(Folder, "log")).Length));
    }

    [Fact]
    public void Open_WhileAnotherHolderHasIt_IsRefusedNamingTheFolder_AndCreateNeverOverwrites()
    {
        using var collection = VectorCollection.Create(Folder, new CollectionSpec("items", 2, VectorMetric.L2));

        var held = Assert.Throws<IOException>(() => VectorCollection.Open(Folder));
        var occupied = Assert.Throws<IOException>(() => VectorCollection.Create(Folder, new CollectionSpec("other", 3, VectorMetric.L2)));

        Assert.Contains(Folder, held.Message, StringComparison.Ordinal);
        Assert.Contains("not empty", occupied.Message, StringComparison.Ordinal);
        Assert.Contains("\"items\"", File.ReadAllText(Path.Combine(Folder, "spec.json")), StringComparison.Ordinal);
    }

    // Seeded vectors in [−1, 1) with a payload naming their group.
    internal static VectorRecord[] Random(int count, int dimension, int seed)
    {
        var random = new Random(seed);
        return [.. Enumerable.Range(0, count).Select(i => new VectorRecord(
            $"id-{seed}-{i}",
            [.. Enumerable.Range(0, dimension).Select(_ => (float)((random.NextDouble() * 2) - 1))],
            new JsonObject { ["group"] = i % 3 }))];
    }

    // The metric in double precision, written out.
    private static double Reference(VectorMetric metric, float[] a, float[] b)
    {
        double dot = 0, aa = 0, bb = 0, l2 = 0;
        for (var i = 0; i < a.Length; i++)
        {
            dot += a[i] * (double)b[i];
            aa += a[i] * (double)a[i];
            bb += b[i] * (double)b[i];
            l2 += (a[i] - (double)b[i]) * (a[i] - (double)b[i]);
        }

        return metric switch
        {
            VectorMetric.L2 => l2,
            VectorMetric.InnerProduct => 1 - dot,
            _ => 1 - (dot / Math.Sqrt(aa * bb)),
        };
    }
}
