using System.CommandLine;
using System.Globalization;
using System.Text.Json;
using System.Text.Json.Nodes;
using Causeway.Cli.Output;
using Causeway.Vectors;
using Causeway.Vectors.Data;
using Spectre.Console;

namespace Causeway.Cli.Commands;

/// <summary>
/// <c>causeway vectors</c>: a party's own vector store, on its disk (docs/vectors.md): create a collection, insert
/// vectors durably, build an index, search, and see what the store holds.
/// </summary>
internal static class VectorsCommand
{
    private static readonly CultureInfo Invariant = CultureInfo.InvariantCulture;

    public static Command Create()
    {
        var command = new Command("vectors", "A party's vector store on this machine: collections of (id, vector, JSON payload), durable inserts, flat/HNSW/IVF indexes, filtered search.");
        command.Subcommands.Add(CreateCollection());
        command.Subcommands.Add(Insert());
        command.Subcommands.Add(Index());
        command.Subcommands.Add(Encoder());
        command.Subcommands.Add(Search());
        command.Subcommands.Add(Info());
        command.Subcommands.Add(Query());
        command.Subcommands.Add(Demo());
        command.Subcommands.Add(Serve());
        return command;
    }

    private static Option<DirectoryInfo> StoreOption() => new("--store")
    {
        Description = "The store's folder (one sub-folder per collection).",
        DefaultValueFactory = _ => new DirectoryInfo(Path.Combine(".causeway", "vectors")),
        HelpName = "DIR",
    };

    private static Option<string> CollectionOption() => new("--collection") { Description = "The collection's name.", Required = true, HelpName = "NAME" };

    private static Command CreateCollection()
    {
        var store = StoreOption();
        var collection = CollectionOption();
        var dimension = new Option<int>("--dim") { Description = "Values per vector.", Required = true };
        var metric = new Option<string>("--metric") { Description = "l2 (squared Euclidean), ip (1 − inner product) or cosine (1 − cosine).", DefaultValueFactory = _ => "l2" };
        var command = new Command("create", "Create a collection.") { store, collection, dimension, metric };
        command.SetAction(parse =>
        {
            var kind = ParseMetric(parse.GetValue(metric)!);
            using var vectors = VectorStore.Open(parse.GetValue(store)!.FullName);
            Guard(() => vectors.Create(new CollectionSpec(parse.GetValue(collection)!, parse.GetValue(dimension), kind)));
            Console.WriteLine($"collection '{parse.GetValue(collection)}' created in {vectors.Folder} ({parse.GetValue(dimension)} dimensions, {parse.GetValue(metric)})");
            return 0;
        });
        return command;
    }

    private static Command Insert()
    {
        var store = StoreOption();
        var collection = CollectionOption();
        var from = new Option<FileInfo>("--from")
        {
            Description = "Vectors to insert: .fvecs or .bvecs (ids are row numbers from --first-id), .jsonl with one {\"id\", \"vector\", \"payload\"} per line, or a .csv table of raw rows that the collection's encoder embeds here (ids from the schema's id column, else row-N; the label, when present, as payload).",
            Required = true,
            HelpName = "FILE",
        };
        var firstId = new Option<long>("--first-id") { Description = "With .fvecs/.bvecs: the id of the first row.", DefaultValueFactory = _ => 0 };
        var batch = new Option<int>("--batch") { Description = "Records per durable write (each batch is on disk before the next starts).", DefaultValueFactory = _ => 1000 };
        var command = new Command("insert", "Insert or replace records; prints 'acknowledged N' after each batch is on disk.") { store, collection, from, firstId, batch };
        command.SetAction((parse, cancellationToken) => Task.Run(() =>
        {
            if (parse.GetValue(batch) < 1)
            {
                throw new CliException("--batch must be at least 1", hint: null, exitCode: 2);
            }

            using var vectors = VectorStore.Open(parse.GetValue(store)!.FullName);
            var target = Require(vectors, parse.GetValue(collection)!);
            var file = parse.GetValue(from)!;
            var records = file.Extension.Equals(".csv", StringComparison.OrdinalIgnoreCase)
                ? ReadRaw(file.FullName, vectors.FolderOf(target.Spec.Name))
                : Read(file.FullName, parse.GetValue(firstId));
            var done = 0;
            foreach (var chunk in records.Chunk(parse.GetValue(batch)))
            {
                cancellationToken.ThrowIfCancellationRequested();
                Guard(() => target.Upsert(chunk));
                done += chunk.Length;
                Console.WriteLine(string.Create(Invariant, $"acknowledged {done} records"));
            }

            Console.WriteLine(string.Create(Invariant, $"collection '{target.Spec.Name}': {target.Count:N0} records"));
            return 0;
        }, cancellationToken));
        return command;
    }

    private static Command Index()
    {
        var store = StoreOption();
        var collection = CollectionOption();
        var kind = new Option<string>("--kind") { Description = "flat, hnsw, ivfflat or ivfpq.", Required = true };
        var m = new Option<int>("--m") { Description = "HNSW: links per node.", DefaultValueFactory = _ => new HnswOptions().M };
        var efConstruction = new Option<int>("--ef-construction") { Description = "HNSW: candidate list while inserting.", DefaultValueFactory = _ => new HnswOptions().EfConstruction };
        var quantization = new Option<string>("--quantization") { Description = "HNSW: f32, f16 or i8 (cosine only).", DefaultValueFactory = _ => "f32" };
        var nlist = new Option<int?>("--nlist") { Description = "IVF: lists (default √records)." };
        var pqM = new Option<int?>("--pq-m") { Description = "IVF-PQ: bytes per code, dividing the dimension (default dimension / 8)." };
        var shards = new Option<int>("--shards") { Description = "Split the index into this many shards (1 to 64), searched in parallel and merged.", DefaultValueFactory = _ => 1 };
        var command = new Command("index", "Build the index a collection searches with (the build is saved, so a restart loads it).") { store, collection, kind, m, efConstruction, quantization, nlist, pqM, shards };
        command.SetAction((parse, cancellationToken) => Task.Run(() =>
        {
            var spec = parse.GetValue(kind) switch
            {
                "hnsw" => new IndexSpec("hnsw", new HnswOptions(parse.GetValue(m), parse.GetValue(efConstruction), Quantization: parse.GetValue(quantization) switch
                {
                    "f32" => HnswQuantization.F32,
                    "f16" => HnswQuantization.F16,
                    "i8" => HnswQuantization.I8,
                    var other => throw new CliException($"--quantization must be f32, f16 or i8, got '{other}'", hint: null, exitCode: 2),
                })),
                "ivfflat" or "ivfpq" => new IndexSpec(parse.GetValue(kind)!, Ivf: new IvfOptions(Nlist: parse.GetValue(nlist), M: parse.GetValue(pqM))),
                var other => new IndexSpec(other!),
            } with { Shards = parse.GetValue(shards) };
            using var vectors = VectorStore.Open(parse.GetValue(store)!.FullName);
            var target = Require(vectors, parse.GetValue(collection)!);
            var build = Guard(() => target.CreateIndex(spec));
            Console.WriteLine(string.Create(Invariant, $"collection '{target.Spec.Name}': {spec.Kind} index{(spec.Shards > 1 ? $" in {spec.Shards} shards" : string.Empty)} over {target.Count:N0} records built in {build.BuildSeconds:F2} s, saved in {build.CheckpointSeconds:F2} s"));
            return 0;
        }, cancellationToken));
        return command;
    }

    private static Command Encoder()
    {
        var store = StoreOption();
        var collection = CollectionOption();
        var model = new Option<FileInfo>("--model")
        {
            Description = "A model file (.cw) with hidden layers, e.g. a run's model from `causeway run model`; its last hidden layer must be as wide as the collection's vectors.",
            Required = true,
            HelpName = "FILE",
        };
        var command = new Command(
            "encoder",
            "Install a trained network as the collection's encoder: `insert --from rows.csv` and `search --input` then embed raw rows here. (The coordinator deploys a federated one to every party: POST /api/vectors/encoder.)")
        {
            store, collection, model,
        };
        command.SetAction(parse =>
        {
            using var vectors = VectorStore.Open(parse.GetValue(store)!.FullName);
            var target = Require(vectors, parse.GetValue(collection)!);
            var file = CliFiles.Existing(parse.GetValue(model)!, "--model", CliFiles.ModelHint);

            var (encoder, refusal) = Party.VectorEncoder.Install(vectors.FolderOf(target.Spec.Name), File.ReadAllBytes(file.FullName), target.Spec.Dimension);
            if (encoder is null)
            {
                throw new CliException($"--model {file.Name}: {refusal}", hint: null);
            }

            Console.WriteLine(string.Create(Invariant, $"collection '{target.Spec.Name}': encoder installed ({encoder.Schema.Columns.Count} columns in, {encoder.Width} values out)"));
            return 0;
        });
        return command;
    }

    private static Command Search()
    {
        var store = StoreOption();
        var collection = CollectionOption();
        var vector = new Option<string?>("--vector") { Description = "The query as a JSON array, e.g. [0.1, 0.2, 0.3].", HelpName = "JSON" };
        var like = new Option<string?>("--like") { Description = "Query with the vector of this record of the collection (it is left out of the hits).", HelpName = "ID" };
        var input = InputOption();
        var k = new Option<int>("-k", "--top-k") { Description = "Hits to return.", DefaultValueFactory = _ => 10 };
        var radius = new Option<float?>("--radius") { Description = "Instead of the k nearest: every record within this distance (exact), at most --top-k." };
        var filter = new Option<string?>("--filter") { Description = "Payload conditions, e.g. {\"shop\": \"north\", \"year\": [2023, 2024]}.", HelpName = "JSON" };
        var ef = new Option<int?>("--ef") { Description = "HNSW: the candidate list for this query." };
        var nprobe = new Option<int?>("--nprobe") { Description = "IVF: the lists this query scans." };
        var json = new Option<bool>("--json") { Description = "Print the hits as JSON." };
        var command = new Command("search", "The nearest records to a query vector, with their distances and payloads.") { store, collection, vector, like, input, k, radius, filter, ef, nprobe, json };
        command.SetAction(parse =>
        {
            using var vectors = VectorStore.Open(parse.GetValue(store)!.FullName);
            var target = Require(vectors, parse.GetValue(collection)!);
            var (query, self) = parse.GetValue(like) is { } id
                ? (target.Get(id)?.Vector ?? throw new CliException($"collection '{target.Spec.Name}' holds no record '{id}'", hint: null), (string?)id)
                : parse.GetValue(input) is { } raw ? (EmbedInput(vectors.FolderOf(target.Spec.Name), raw), null)
                : (ParseVector(parse.GetValue(vector)), null);
            var conditions = parse.GetValue(filter) is { } text ? Guard(() => PayloadFilter.From(JsonNode.Parse(text) as JsonObject ?? throw new CliException("--filter must be a JSON object", hint: null, exitCode: 2))) : null;
            var topK = parse.GetValue(k);
            var hits = Guard(() => parse.GetValue(radius) is { } r
                ? target.SearchRange(query, r, topK + (self is null ? 0 : 1), conditions)
                : target.Search(query, topK + (self is null ? 0 : 1), conditions, new SearchOptions(parse.GetValue(ef), parse.GetValue(nprobe))));
            var shown = hits.Where(h => h.Id != self).Take(topK).ToList();
            if (parse.GetValue(json))
            {
                Console.WriteLine(new JsonArray([.. shown.Select(h => (JsonNode)new JsonObject { ["id"] = h.Id, ["distance"] = h.Distance, ["payload"] = h.Payload?.DeepClone() })]).ToJsonString());
                return 0;
            }

            var table = new Table().Title(Markup.Escape($"collection '{target.Spec.Name}' ({target.Index.Kind}, {target.Spec.Metric}): {shown.Count} hits")).AddColumns("id", "distance", "payload");
            foreach (var hit in shown)
            {
                table.AddRow(Markup.Escape(hit.Id), hit.Distance.ToString("G6", Invariant), Markup.Escape(hit.Payload?.ToJsonString() ?? "-"));
            }

            AnsiConsole.Write(table);
            return 0;
        });
        return command;
    }

    private static Command Info()
    {
        var store = StoreOption();
        var command = new Command("info", "The store's collections: dimension, metric, records, index, encoder.") { store };
        command.SetAction(parse =>
        {
            using var vectors = VectorStore.Open(parse.GetValue(store)!.FullName);
            var table = new Table().Title(Markup.Escape(vectors.Folder)).AddColumns("collection", "dimension", "metric", "records", "index", "encoder");
            foreach (var name in vectors.Names())
            {
                var collection = vectors.Get(name)!;
                var index = collection.Index;
                var encoder = Guard(() => Party.VectorEncoder.Load(vectors.FolderOf(name)));
                table.AddRow(
                    Markup.Escape(name), collection.Spec.Dimension.ToString(Invariant), collection.Spec.Metric.ToString(), collection.Count.ToString("N0", Invariant),
                    index.Shards > 1 ? $"{index.Kind} ({index.Shards} shards)" : index.Kind,
                    encoder is null ? "-" : string.Create(Invariant, $"{encoder.Schema.Columns.Count} columns -> {encoder.Width}"));
            }

            AnsiConsole.Write(table);
            return 0;
        });
        return command;
    }

    private static Command Query()
    {
        var coordinator = CliOptions.CoordinatorAddress("--coordinator", "The coordinator's address.", new Uri("https://127.0.0.1:7443"));
        var authority = new Option<FileInfo?>("--ca") { Description = "The federation CA certificate (PEM) to trust.", DefaultValueFactory = _ => new FileInfo(Path.Combine("certs", Protocol.Security.DevCertificates.CaCertificateFile)), HelpName = "FILE" };
        var adminToken = new Option<string?>("--admin-token") { Description = "The control API's bearer token (or CAUSEWAY_ADMIN_TOKEN)." };
        var collection = CollectionOption();
        var vector = new Option<string?>("--vector") { Description = "The query as a JSON array.", HelpName = "JSON" };
        var via = new Option<string?>("--via")
        {
            Description = "Ask as a party, through its store API (`causeway party --vectors DIR --vectors-api ADDRESS`), e.g. 127.0.0.1:6333: the coordinator names that party as the querier, and --id and --input are resolved there.",
            HelpName = "ADDRESS",
        };
        var id = new Option<string?>("--id") { Description = "With --via: query with this record of the party's own collection (left out of the hits).", HelpName = "ID" };
        var input = InputOption();
        var k = new Option<int>("-k", "--top-k") { Description = "Hits to return, merged over every party.", DefaultValueFactory = _ => 10 };
        var filter = new Option<string?>("--filter") { Description = "Payload conditions, as for search.", HelpName = "JSON" };
        var deadline = new Option<double>("--deadline") { Description = "Seconds to wait for the parties; the answer says who missed it.", DefaultValueFactory = _ => 5 };
        var json = new Option<bool>("--json") { Description = "Print the coordinator's answer as JSON." };
        var command = new Command("query", "A federated query: every connected party searches its own collection, the coordinator merges the top-k; each party releases only what its disclosure.json allows.")
        {
            coordinator, authority, adminToken, collection, vector, via, id, input, k, filter, deadline, json,
        };
        command.SetAction(async (parse, cancellationToken) =>
        {
            var given = new[] { parse.GetValue(vector) is not null, parse.GetValue(id) is not null, parse.GetValue(input) is not null }.Count(g => g);
            if (given != 1 || (parse.GetValue(via) is null && parse.GetValue(vector) is null))
            {
                throw new CliException(
                    "give the query with exactly one of --vector JSON, --id ID or --input JSON (--id and --input go with --via, the party asking)", hint: null, exitCode: 2);
            }

            var filterObject = parse.GetValue(filter) is { } text
                ? ParseJson(text, "--filter") as JsonObject ?? throw new CliException("--filter must be a JSON object", hint: null, exitCode: 2)
                : null;
            JsonNode answer;
            if (parse.GetValue(via) is { } address)
            {
                var request = new JsonObject { ["collection"] = parse.GetValue(collection), ["top_k"] = parse.GetValue(k), ["deadline_seconds"] = parse.GetValue(deadline), ["filter"] = filterObject };
                if (parse.GetValue(vector) is { } v)
                {
                    request["vector"] = JsonNode.Parse(JsonSerializer.Serialize(ParseVector(v)));
                }
                else if (parse.GetValue(id) is { } own)
                {
                    request["id"] = own;
                }
                else
                {
                    request["input"] = ParseJson(parse.GetValue(input)!, "--input") as JsonObject ?? throw new CliException("--input must be a JSON object", hint: null, exitCode: 2);
                }

                answer = await AskPartyAsync(address, request, cancellationToken);
            }
            else
            {
                var request = new JsonObject
                {
                    ["collection"] = parse.GetValue(collection),
                    ["vector"] = JsonNode.Parse(JsonSerializer.Serialize(ParseVector(parse.GetValue(vector)))),
                    ["k"] = parse.GetValue(k),
                    ["deadlineSeconds"] = parse.GetValue(deadline),
                    ["filter"] = filterObject,
                };
                using var api = RunCommand.Connect(parse, coordinator, authority, adminToken);
                answer = await api.SearchVectorsAsync(request.ToJsonString(), cancellationToken);
            }

            if (parse.GetValue(json))
            {
                Console.WriteLine(answer.ToJsonString());
                return 0;
            }

            var hits = new Table().Title(Markup.Escape($"collection '{parse.GetValue(collection)}': merged top {parse.GetValue(k)}{(answer["partial"]?.GetValue<bool>() == true ? " (partial: a party did not answer)" : string.Empty)}"))
                .AddColumns("party", "id", "distance", "payload");
            foreach (var hit in answer["hits"]!.AsArray())
            {
                hits.AddRow(
                    Markup.Escape(hit!["party"]!.GetValue<string>()), Markup.Escape(hit["id"]!.GetValue<string>()),
                    hit["distance"] is { } d ? d.GetValue<float>().ToString("G6", Invariant) : "(kept in)", Markup.Escape(hit["payload"]?.ToJsonString() ?? "-"));
            }

            AnsiConsole.Write(hits);
            var parties = new Table().AddColumns("party", "status", "hits", "reason");
            foreach (var party in answer["parties"]!.AsArray())
            {
                parties.AddRow(
                    Markup.Escape(party!["party"]!.GetValue<string>()), Markup.Escape(party["status"]!.GetValue<string>()),
                    party["hits"]!.GetValue<int>().ToString(Invariant), Markup.Escape(party["reason"]?.GetValue<string>() ?? "-"));
            }

            AnsiConsole.Write(parties);
            return 0;
        });
        return command;
    }

    private static Command Serve()
    {
        var store = StoreOption();
        var listen = new Option<string>("--listen") { Description = "A loopback address and port (the API has no authentication).", DefaultValueFactory = _ => "127.0.0.1:6333", HelpName = "ADDRESS" };
        var command = new Command("serve", "The store's HTTP JSON API for this machine's applications (Qdrant-style: collections, points, index, search), until Ctrl+C.") { store, listen };
        command.SetAction(async (parse, cancellationToken) =>
        {
            if (CliOptions.LoopbackEndpoint(parse.GetValue(listen)) is not { } endpoint)
            {
                throw new CliException($"--listen must be a loopback address with a port, e.g. 127.0.0.1:6333; got '{parse.GetValue(listen)}'", hint: null, exitCode: 2);
            }

            using var vectors = VectorStore.Open(parse.GetValue(store)!.FullName);
            using var party = new Party.VectorParty(vectors);
            await using var server = await Party.VectorApiServer.StartAsync(endpoint, vectors, party, federated: null, cancellationToken);
            Console.WriteLine($"vector store {vectors.Folder} at {server.Address}collections (Ctrl+C to stop)");
            try
            {
                await Task.Delay(Timeout.Infinite, cancellationToken);
            }
            catch (OperationCanceledException)
            {
            }

            return 0;
        });
        return command;
    }

    private static Command Demo()
    {
        var shops = new Option<int>("--shops") { Description = "Shops: party processes, each holding its share of the labelled images and its own store.", DefaultValueFactory = _ => 3 };
        var queries = new Option<int>("--queries") { Description = "Federated queries to ask with held-out images (the first two are shown).", DefaultValueFactory = _ => 50 };
        var rounds = new Option<int>("--rounds") { Description = "FedAvg rounds that train the shared encoder.", DefaultValueFactory = _ => 8 };
        var workDirectory = new Option<DirectoryInfo?>("--work-dir")
        {
            Description = $"Where the demo writes certificates, data, stores, logs and the database: a new or empty folder, or one an earlier demo made (marked by {Composition.WorkFolder.MarkerFile}). Default: a new folder under .causeway/vectors-demo/.",
            HelpName = "DIR",
        };
        var command = new Command(
            "demo",
            "Federated vector search in one command: shops holding labelled Fashion-MNIST images train an encoder with FedAvg, the coordinator deploys it into every shop's store, each shop embeds its own images, and one shop asks federated queries by raw image and by its own id; the merged hits show what each shop released and who answered.")
        {
            shops, queries, rounds, workDirectory,
        };
        command.SetAction(async (parse, cancellationToken) =>
        {
            if (parse.GetValue(shops) is < 1 or > 8 || parse.GetValue(queries) is < 1 or > 100 || parse.GetValue(rounds) is < 1 or > 100)
            {
                throw new CliException("--shops must be 1 to 8, --queries 1 to 100 and --rounds 1 to 100", hint: null, exitCode: 2);
            }

            using var work = parse.GetValue(workDirectory) is { } named
                ? Composition.WorkFolder.Claim(named.FullName, "--work-dir", "causeway vectors demo")
                : Composition.WorkFolder.CreateUnique(Path.Combine(".causeway", "vectors-demo"), "causeway vectors demo", TimeProvider.System);
            var outcome = await Composition.VectorsDemo.RunAsync(
                parse.GetValue(shops), parse.GetValue(queries), parse.GetValue(rounds), work.Path, m => AnsiConsole.MarkupLine(Markup.Escape(m)), cancellationToken);
            var deployed = new Table().Title(Markup.Escape($"the federated encoder ({outcome.Deployment["width"]} values per image) deployed into each shop's 'images' collection")).AddColumns("shop", "status", "reason");
            foreach (var party in outcome.Deployment["parties"]!.AsArray())
            {
                deployed.AddRow(Markup.Escape(party!["party"]!.GetValue<string>()), Markup.Escape(party["status"]!.GetValue<string>()), Markup.Escape(party["reason"]?.GetValue<string>() ?? "-"));
            }

            AnsiConsole.Write(deployed);
            for (var s = 1; s <= outcome.Shops; s++)
            {
                var policy = Composition.VectorsDemo.PolicyOf(s);
                AnsiConsole.MarkupLine(Markup.Escape($"shop-{s} releases: ids{(policy.Distances ? ", distances" : string.Empty)}{(policy.PayloadFields.Count > 0 ? ", " + string.Join(", ", policy.PayloadFields) : string.Empty)}"));
            }

            foreach (var search in outcome.Searches)
            {
                var hits = new Table().Title(Markup.Escape($"{search.Title}: merged top 5 over {outcome.Shops} shops"))
                    .AddColumns("shop", "id", "distance", "released payload");
                foreach (var hit in search.Answer["hits"]!.AsArray())
                {
                    hits.AddRow(
                        Markup.Escape(hit!["party"]!.GetValue<string>()), Markup.Escape(hit["id"]!.GetValue<string>()),
                        hit["distance"] is { } d ? d.GetValue<float>().ToString("G4", Invariant) : "(kept in)", Markup.Escape(hit["payload"]?.ToJsonString() ?? "-"));
                }

                AnsiConsole.Write(hits);
                AnsiConsole.MarkupLine(Markup.Escape("who answered: " + string.Join(", ", search.Answer["parties"]!.AsArray().Select(p => $"{p!["party"]} {p["status"]} ({p["hits"]})"))));
            }

            if (outcome.Accuracy is { } accuracy)
            {
                AnsiConsole.MarkupLine(Markup.Escape(string.Create(Invariant, $"over {outcome.Queries} queries, the nearest hit with a released label names the query's class {accuracy:P0} of the time")));
            }

            AnsiConsole.MarkupLine(Markup.Escape($"each shop's audit log (querier party:shop-1): {work.Path}/shop-N/audit.jsonl; logs and certificates: {work.Path}"));
            return 0;
        });
        return command;
    }

    // A federated query asked through a party's store API (POST /federated/search), as that party.
    private static async Task<JsonNode> AskPartyAsync(string address, JsonObject request, CancellationToken cancellationToken)
    {
        var endpoint = CliOptions.LoopbackEndpoint(address)
            ?? throw new CliException($"--via must be the party's loopback API address with a port, e.g. 127.0.0.1:6333; got '{address}'", hint: null, exitCode: 2);
        using var http = new HttpClient { BaseAddress = new Uri($"http://{endpoint}/") };
        HttpResponseMessage response;
        try
        {
            response = await http.PostAsync(new Uri("federated/search", UriKind.Relative), new StringContent(request.ToJsonString(), System.Text.Encoding.UTF8, "application/json"), cancellationToken);
        }
        catch (HttpRequestException e)
        {
            throw new CliException($"--via {address}: no party store API answers there ({e.Message})", "start the party with `causeway party --vectors DIR --vectors-api ADDRESS`", innerException: e);
        }

        using (response)
        {
            var text = await response.Content.ReadAsStringAsync(cancellationToken);
            var body = ParseJson(text, $"the answer of {address}");
            return response.IsSuccessStatusCode
                ? body!
                : throw new CliException($"the party at {address} answered {(int)response.StatusCode}: {body?["error"]?.GetValue<string>() ?? text}", hint: null);
        }
    }

    private static Option<string?> InputOption() => new("--input")
    {
        Description = "Query with a raw row, a JSON object of column -> value, embedded here by the collection's encoder, e.g. {\"x1\": 0.5}.",
        HelpName = "JSON",
    };

    // A collection's encoder, or the one-line failure saying how to get one.
    private static Party.VectorEncoder EncoderIn(string collectionFolder) =>
        Guard(() => Party.VectorEncoder.Load(collectionFolder))
        ?? throw new CliException(
            $"collection '{Path.GetFileName(collectionFolder)}' has no encoder to embed raw rows with",
            "deploy a run's model from the coordinator (POST /api/vectors/encoder) or install one with `causeway vectors encoder --model F.cw`");

    private static float[] EmbedInput(string collectionFolder, string json)
    {
        var row = ParseJson(json, "--input") as JsonObject ?? throw new CliException("--input must be a JSON object of column -> value", hint: null, exitCode: 2);
        return Guard(() => EncoderIn(collectionFolder).Embed([row], "--input")[0]);
    }

    private static JsonNode? ParseJson(string text, string option)
    {
        try
        {
            return JsonNode.Parse(text);
        }
        catch (JsonException e)
        {
            throw new CliException($"{option} is not JSON ({e.Message})", hint: null, exitCode: 2, e);
        }
    }

    // A table of raw rows, read with the encoder's schema and embedded by it.
    private static IEnumerable<VectorRecord> ReadRaw(string path, string collectionFolder)
    {
        var encoder = EncoderIn(collectionFolder);
        var table = Guard(() => Core.Data.TableReader.Read(path, encoder.Schema, Core.Data.LabelPresence.Optional));
        var embedded = encoder.Embed(table);
        var ids = Party.VectorEncoder.IdsOf(table, "row-");
        return embedded.Select((vector, r) => new VectorRecord(ids[r], vector, Party.VectorEncoder.LabelPayload(table, r)));
    }

    private static VectorCollection Require(VectorStore store, string name) =>
        Guard(() => store.Get(name)) ?? throw new CliException($"the store {store.Folder} holds no collection '{name}'", $"create it with `causeway vectors create --store {store.Folder} --collection {name} --dim D`");

    private static VectorMetric ParseMetric(string text) => text switch
    {
        "l2" => VectorMetric.L2,
        "ip" => VectorMetric.InnerProduct,
        "cosine" => VectorMetric.Cosine,
        _ => throw new CliException($"--metric must be l2, ip or cosine, got '{text}'", hint: null, exitCode: 2),
    };

    private static float[] ParseVector(string? text)
    {
        if (text is null)
        {
            throw new CliException("give the query with --vector JSON or --like ID", hint: null, exitCode: 2);
        }

        try
        {
            return JsonSerializer.Deserialize<float[]>(text) ?? throw new JsonException("null");
        }
        catch (JsonException e)
        {
            throw new CliException($"--vector must be a JSON array of numbers ({e.Message})", hint: null, exitCode: 2, e);
        }
    }

    private static IEnumerable<VectorRecord> Read(string path, long firstId)
    {
        if (!File.Exists(path))
        {
            throw new CliException($"--from: {path} does not exist", hint: null, exitCode: 2);
        }

        if (path.EndsWith(".jsonl", StringComparison.OrdinalIgnoreCase))
        {
            return ReadJsonLines(path);
        }

        var rows = Guard(() => VecFiles.ReadVectors(path));
        return rows.Select((row, i) => new VectorRecord((firstId + i).ToString(Invariant), row));
    }

    private static IEnumerable<VectorRecord> ReadJsonLines(string path)
    {
        var line = 0;
        foreach (var text in File.ReadLines(path))
        {
            line++;
            if (string.IsNullOrWhiteSpace(text))
            {
                continue;
            }

            JsonObject? json;
            try
            {
                json = JsonNode.Parse(text) as JsonObject;
            }
            catch (JsonException e)
            {
                throw new CliException($"{path}:{line}: not a JSON object ({e.Message})", hint: null, exitCode: 2, e);
            }

            var id = json?["id"]?.ToString();
            var vector = json?["vector"] as JsonArray;
            if (id is null || vector is null || vector.Any(v => v is not JsonValue value || !value.TryGetValue<double>(out _)))
            {
                throw new CliException($"{path}:{line}: a record needs \"id\" and \"vector\" (an array of numbers)", hint: null, exitCode: 2);
            }

            yield return new VectorRecord(id, [.. vector.Select(v => v!.GetValue<float>())], json!["payload"] as JsonObject is { } payload ? payload.DeepClone().AsObject() : null);
        }
    }

    // The store's refusals (bad records, a held folder, an index that does not fit) are expected failures: one line.
    private static T Guard<T>(Func<T> action)
    {
        try
        {
            return action();
        }
        catch (Exception e) when (e is ArgumentException or IOException or InvalidDataException or FormatException)
        {
            throw new CliException(e.Message, hint: null, innerException: e);
        }
    }

    private static void Guard(Action action) => Guard(() =>
    {
        action();
        return 0;
    });
}
