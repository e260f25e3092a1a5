using System.Globalization;
using System.IO.Compression;
using System.Text.Json.Nodes;
using Causeway.Vectors;
using Causeway.Vectors.Data;

namespace Causeway.Cli.Composition;

/// <summary>
/// <c>causeway vectors demo</c>: the Fashion-MNIST test images dealt to shops, each a party process with its own store,
/// HNSW index and disclosure policy; a coordinator over HTTP/2 + TLS; federated queries whose merged hits show what
/// each shop released and who answered (docs/vectors.md).
/// </summary>
internal static class VectorsDemo
{
    private static readonly string[] Classes = ["T-shirt/top", "Trouser", "Pullover", "Dress", "Coat", "Sandal", "Shirt", "Sneaker", "Bag", "Ankle boot"];

    /// <summary>The shops' policies: the first releases labels, the second keeps distances in, the others the defaults.</summary>
    public static DisclosurePolicy PolicyOf(int shop) => shop switch
    {
        1 => new DisclosurePolicy(PayloadFields: ["label"], QueriesPerMinute: 600),
        2 => new DisclosurePolicy(Distances: false, QueriesPerMinute: 600),
        _ => new DisclosurePolicy(QueriesPerMinute: 600),
    };

    /// <param name="Number">The query image's number.</param>
    /// <param name="TrueClass">Its true class.</param>
    /// <param name="Answer">The coordinator's answer: merged hits and every shop's status.</param>
    public sealed record Search(int Number, string TrueClass, JsonNode Answer);

    /// <param name="Shops">Shop processes.</param>
    /// <param name="Records">Images over all shops.</param>
    /// <param name="Searches">The first queries and their answers.</param>
    /// <param name="Accuracy">Over every query: the share whose nearest released label is the query's class (shop-1's hits only carry labels).</param>
    /// <param name="Queries">Queries asked.</param>
    public sealed record Outcome(int Shops, int Records, IReadOnlyList<Search> Searches, double? Accuracy, int Queries);

    public static async Task<Outcome> RunAsync(int shops, int queries, string work, Action<string> progress, CancellationToken cancellationToken)
    {
        var folder = Path.Combine(DemoDatasets.LocateSamples(), "data", "fashion-mnist-ann");
        var images = VecFiles.ReadIdxImages(Path.Combine(folder, "t10k-images-idx3-ubyte.gz"));
        var labels = ReadLabels(Path.Combine(folder, "t10k-labels-idx1-ubyte.gz"));
        var queryImages = VecFiles.ReadVectors(Path.Combine(folder, "queries.bvecs"));
        var queryLabels = File.ReadAllLines(Path.Combine(folder, "queries_labels.txt")).Select(l => int.Parse(l, CultureInfo.InvariantCulture)).ToArray();

        progress($"dealing {images.Length:N0} images to {shops} shops, each with its own store, HNSW index and disclosure policy...");
        for (var shop = 1; shop <= shops; shop++)
        {
            using var store = VectorStore.Open(Path.Combine(work, $"shop-{shop}"));
            var collection = store.Create(new CollectionSpec("images", images[0].Length, VectorMetric.L2));
            collection.Upsert([.. images.Select((v, i) => (v, i)).Where(x => x.i % shops == shop - 1).Select(x => new VectorRecord(
                $"img-{x.i}", x.v, new JsonObject { ["label"] = Classes[labels[x.i]], ["added"] = "2026-12-07" }))]);
            collection.CreateIndex(new IndexSpec("hnsw", new HnswOptions(16, 200, 64)));
            PolicyOf(shop).WriteTo(store.FolderOf("images"));
        }

        progress($"starting a coordinator and {shops} shop processes (causeway party --vectors) on loopback...");
        var processes = Enumerable.Range(1, shops).Select(s => LocalFederation.Party.Vectors($"shop-{s}", Path.Combine(work, $"shop-{s}"))).ToList();
        using var federation = await LocalFederation.StartAsync(work, "vectors-demo", processes, cancellationToken);
        var searches = new List<Search>();
        var labelled = 0;
        var correct = 0;
        for (var q = 0; q < queries; q++)
        {
            var request = new JsonObject { ["collection"] = "images", ["vector"] = new JsonArray([.. queryImages[q].Select(v => (JsonNode)v)]), ["k"] = 5, ["deadlineSeconds"] = 10 };
            var answer = await federation.Api.SearchVectorsAsync(request.ToJsonString(), cancellationToken);
            if (q < 3)
            {
                searches.Add(new Search(q, Classes[queryLabels[q]], answer));
            }

            if (answer["hits"]!.AsArray().FirstOrDefault(h => h!["payload"]?["label"] is not null) is { } nearest)
            {
                labelled++;
                correct += nearest["payload"]!["label"]!.GetValue<string>() == Classes[queryLabels[q]] ? 1 : 0;
            }
        }

        return new Outcome(shops, images.Length, searches, labelled == 0 ? null : correct / (double)labelled, queries);
    }

    private static int[] ReadLabels(string path)
    {
        using var stream = new GZipStream(File.OpenRead(path), CompressionMode.Decompress);
        using var memory = new MemoryStream();
        stream.CopyTo(memory);
        return [.. memory.ToArray().Skip(8).Select(b => (int)b)];
    }
}
