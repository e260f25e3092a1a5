using System.Globalization;
using System.IO.Compression;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json.Nodes;
using Causeway.Vectors;
using Causeway.Vectors.Data;

namespace Causeway.Cli.Composition;

/// <summary>
/// <c>causeway vectors demo</c>: shops, each a party process holding labelled Fashion-MNIST images and a vector store
/// with its own disclosure policy, train an encoder together with FedAvg; the coordinator deploys it into every store;
/// each shop embeds its own images through it; then shop-1's application asks federated queries by raw image (embedded
/// at shop-1) and by one of its own ids, and the merged hits show what each shop released and who answered
/// (docs/vectors.md).
/// </summary>
internal static class VectorsDemo
{
    /// <summary>The width of the encoder's embedding (its last hidden layer), and so of every shop's vectors.</summary>
    public const int Dimension = 32;

    private const int Pixels = 784;
    private static readonly string[] Classes = ["T-shirt/top", "Trouser", "Pullover", "Dress", "Coat", "Sandal", "Shirt", "Sneaker", "Bag", "Ankle boot"];

    /// <summary>The shops' policies: the first releases labels, the second keeps distances in, the others the defaults.</summary>
    public static DisclosurePolicy PolicyOf(int shop) => shop switch
    {
        1 => new DisclosurePolicy(PayloadFields: ["label"], QueriesPerMinute: 600),
        2 => new DisclosurePolicy(Distances: false, QueriesPerMinute: 600),
        _ => new DisclosurePolicy(QueriesPerMinute: 600),
    };

    /// <param name="Title">What was asked.</param>
    /// <param name="Answer">The merged hits and every shop's status, as shop-1's application received them.</param>
    public sealed record Search(string Title, JsonNode Answer);

    /// <param name="Shops">Shop processes.</param>
    /// <param name="Records">Images over all shops.</param>
    /// <param name="Rounds">The encoder's FedAvg rounds: (round, held-out accuracy of its classifier head).</param>
    /// <param name="Deployment">The coordinator's answer to the encoder deployment.</param>
    /// <param name="Searches">The queries shown.</param>
    /// <param name="Accuracy">Over every query: the share whose nearest released label names the query's class (only shop-1 releases labels).</param>
    /// <param name="Queries">Queries asked.</param>
    public sealed record Outcome(int Shops, int Records, IReadOnlyList<(int Round, double? Accuracy)> Rounds, JsonNode Deployment, IReadOnlyList<Search> Searches, double? Accuracy, int Queries);

    public static async Task<Outcome> RunAsync(int shops, int queries, int rounds, string work, Action<string> progress, CancellationToken cancellationToken)
    {
        var folder = Path.Combine(DemoDatasets.LocateSamples(), "data", "fashion-mnist-ann");
        var images = VecFiles.ReadIdxImages(Path.Combine(folder, "t10k-images-idx3-ubyte.gz"));
        var labels = ReadLabels(Path.Combine(folder, "t10k-labels-idx1-ubyte.gz"));

        // The last images are the queries: no shop holds them.
        var held = images.Length - queries;
        progress($"dealing {held:N0} labelled images to {shops} shops (training rows, held-out rows, an empty 'images' collection and a disclosure policy each)...");
        var schema = Path.Combine(work, "schema.json");
        await File.WriteAllTextAsync(schema, SchemaJson(), cancellationToken);
        var parties = new List<LocalFederation.Party>();
        var apis = new List<Uri>();
        for (var shop = 1; shop <= shops; shop++)
        {
            var rows = Enumerable.Range(0, held).Where(i => i % shops == shop - 1).ToList();
            var train = Path.Combine(work, $"shop-{shop}-train.csv");
            var evaluation = Path.Combine(work, $"shop-{shop}-eval.csv");
            await File.WriteAllTextAsync(train, Csv(rows.Where((_, j) => j % 5 != 0), images, labels), cancellationToken);
            await File.WriteAllTextAsync(evaluation, Csv(rows.Where((_, j) => j % 5 == 0), images, labels), cancellationToken);
            var store = Path.Combine(work, $"shop-{shop}");
            using (var vectors = VectorStore.Open(store))
            {
                vectors.Create(new CollectionSpec("images", Dimension, VectorMetric.L2));
                PolicyOf(shop).WriteTo(vectors.FolderOf("images"));
            }

            var api = new Uri($"http://127.0.0.1:{LocalFederation.FreePort()}/");
            apis.Add(api);
            parties.Add(new LocalFederation.Party(
                $"shop-{shop}", ["--data", train, "--eval", evaluation, "--schema", schema, "--vectors", store, "--vectors-api", $"{api.Host}:{api.Port}"]));
        }

        progress($"starting a coordinator and {shops} shop processes (causeway party --data ... --vectors ... --vectors-api ...) on loopback...");
        using var federation = await LocalFederation.StartAsync(work, "vectors-demo", parties, cancellationToken);

        progress($"training the encoder with FedAvg (784 -> 128 -> {Dimension} -> 10 classes, {rounds} rounds); no image leaves its shop...");
        var run = await federation.Api.StartRunAsync(RunConfigJson(rounds, shops), cancellationToken);
        var history = await FollowAsync(federation, run, progress, cancellationToken);

        progress($"deploying run {run}'s model into every shop's 'images' collection as its encoder (POST /api/vectors/encoder)...");
        var deployment = await federation.Api.DeployEncoderAsync("images", run, cancellationToken);

        progress("each shop embeds its own images through the encoder, at the shop (PUT /collections/images/points with raw rows), then builds HNSW...");
        using var http = new HttpClient { Timeout = TimeSpan.FromMinutes(5) };
        for (var shop = 1; shop <= shops; shop++)
        {
            var rows = Enumerable.Range(0, held).Where(i => i % shops == shop - 1).ToList();
            foreach (var batch in rows.Chunk(500))
            {
                var points = new JsonArray([.. batch.Select(i => (JsonNode)new JsonObject
                {
                    ["id"] = $"img-{i}", ["input"] = Input(images[i]), ["payload"] = new JsonObject { ["label"] = Classes[labels[i]], ["added"] = "2026-12-07" },
                })]);
                await SendAsync(http, HttpMethod.Put, new Uri(apis[shop - 1], "collections/images/points"), new JsonObject { ["points"] = points }, cancellationToken);
            }

            await SendAsync(http, HttpMethod.Post, new Uri(apis[shop - 1], "collections/images/index"), new JsonObject { ["kind"] = "hnsw", ["m"] = 16, ["ef_construction"] = 200 }, cancellationToken);
        }

        progress($"shop-1's application asks {queries} federated queries with raw images, through shop-1 (the coordinator names it party:shop-1, the querier)...");
        var searches = new List<Search>();
        var labelled = 0;
        var correct = 0;
        for (var q = 0; q < queries; q++)
        {
            var image = held + q;
            var answer = await SendAsync(http, HttpMethod.Post, new Uri(apis[0], "federated/search"), new JsonObject
            {
                ["collection"] = "images", ["input"] = Input(images[image]), ["top_k"] = 5, ["deadline_seconds"] = 10,
            }, cancellationToken);
            if (q < 2)
            {
                searches.Add(new Search($"raw query image {image} (class: {Classes[labels[image]]}), embedded at shop-1", answer));
            }

            if (answer["hits"]!.AsArray().FirstOrDefault(h => h!["payload"]?["label"] is not null) is { } nearest)
            {
                labelled++;
                correct += nearest["payload"]!["label"]!.GetValue<string>() == Classes[labels[image]] ? 1 : 0;
            }
        }

        var own = Enumerable.Range(0, held).First(i => i % shops == 0);
        searches.Add(new Search($"shop-1's own record img-{own} (class: {Classes[labels[own]]}), by id", await SendAsync(http, HttpMethod.Post, new Uri(apis[0], "federated/search"), new JsonObject
        {
            ["collection"] = "images", ["id"] = $"img-{own}", ["top_k"] = 5, ["deadline_seconds"] = 10,
        }, cancellationToken)));
        return new Outcome(shops, held, history, deployment, searches, labelled == 0 ? null : correct / (double)labelled, queries);
    }

    private static string RunConfigJson(int rounds, int shops) => string.Create(CultureInfo.InvariantCulture, $$"""
        { "name": "vectors-demo-encoder", "seed": 7, "rounds": {{rounds}},
          "model": { "type": "mlp", "hidden": [128, {{Dimension}}] },
          "training": { "epochs": 1, "batchSize": 32, "learningRate": 0.05 },
          "round": { "deadlineSeconds": 120, "minResults": {{shops}} } }
        """);

    // The run's rounds as they close, until it completes.
    private static async Task<List<(int Round, double? Accuracy)>> FollowAsync(LocalFederation federation, string run, Action<string> progress, CancellationToken cancellationToken)
    {
        var seen = new List<(int Round, double? Accuracy)>();
        while (true)
        {
            federation.ThrowIfExited();
            var details = await federation.Api.RunAsync(run, cancellationToken);
            foreach (var round in (details["rounds"]?.AsArray() ?? []).Skip(seen.Count))
            {
                var accuracy = round!["metrics"]?["eval_accuracy"]?.GetValue<double>();
                seen.Add((round["round"]!.GetValue<int>(), accuracy));
                progress(string.Create(CultureInfo.InvariantCulture, $"  round {seen[^1].Round,2}: held-out accuracy of the encoder's classifier {(accuracy is { } a ? a.ToString("P1", CultureInfo.InvariantCulture) : "-")}"));
            }

            switch (details["run"]?["state"]?.GetValue<string>())
            {
                case "Completed":
                    return seen;
                case "Failed" or "Stopped":
                    throw new InvalidOperationException($"the encoder's run ended {details["run"]?["state"]}: {details["run"]?["error"]}");
            }

            await Task.Delay(TimeSpan.FromMilliseconds(500), cancellationToken);
        }
    }

    private static async Task<JsonNode> SendAsync(HttpClient http, HttpMethod method, Uri address, JsonObject body, CancellationToken cancellationToken)
    {
        using var request = new HttpRequestMessage(method, address) { Content = JsonContent.Create(body) };
        using var response = await http.SendAsync(request, cancellationToken);
        var text = await response.Content.ReadAsStringAsync(cancellationToken);
        return response.IsSuccessStatusCode
            ? JsonNode.Parse(text)!
            : throw new InvalidOperationException($"{method} {address.AbsolutePath} answered {(int)response.StatusCode}: {text}");
    }

    // A raw image as the encoder's schema reads it: column p0 ... p783, pixel values 0 to 255.
    private static JsonObject Input(float[] image)
    {
        var row = new JsonObject();
        for (var p = 0; p < Pixels; p++)
        {
            row[string.Create(CultureInfo.InvariantCulture, $"p{p}")] = (int)image[p];
        }

        return row;
    }

    private static string SchemaJson()
    {
        var columns = new JsonArray { new JsonObject { ["name"] = "id", ["type"] = "id" } };
        for (var p = 0; p < Pixels; p++)
        {
            columns.Add(new JsonObject { ["name"] = string.Create(CultureInfo.InvariantCulture, $"p{p}"), ["type"] = "numeric" });
        }

        var classes = new JsonObject();
        for (var c = 0; c < Classes.Length; c++)
        {
            classes[c.ToString(CultureInfo.InvariantCulture)] = new JsonArray(Classes[c]);
        }

        columns.Add(new JsonObject { ["name"] = "label", ["type"] = "label", ["classes"] = classes });
        return new JsonObject { ["format"] = new JsonObject { ["delimiter"] = ",", ["header"] = true }, ["columns"] = columns }.ToJsonString();
    }

    private static string Csv(IEnumerable<int> rows, float[][] images, int[] labels)
    {
        var text = new StringBuilder("id,").AppendJoin(',', Enumerable.Range(0, Pixels).Select(p => string.Create(CultureInfo.InvariantCulture, $"p{p}"))).Append(",label\n");
        foreach (var i in rows)
        {
            text.Append(CultureInfo.InvariantCulture, $"img-{i},").AppendJoin(',', images[i].Select(v => (int)v)).Append(',').Append(Classes[labels[i]]).Append('\n');
        }

        return text.ToString();
    }

    private static int[] ReadLabels(string path)
    {
        using var stream = new GZipStream(File.OpenRead(path), CompressionMode.Decompress);
        using var memory = new MemoryStream();
        stream.CopyTo(memory);
        return [.. memory.ToArray().Skip(8).Select(b => (int)b)];
    }
}
