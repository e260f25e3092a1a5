using System.CommandLine;
using System.Globalization;
using System.Net;
using System.Security.Authentication;
using Causeway.Cli.Composition;
using Causeway.Cli.Output;
using Causeway.Core.Data;
using Causeway.Federation;
using Causeway.Federation.Vertical.Data;
using Causeway.Federation.Vertical.Network;
using Causeway.Party;
using Causeway.Federation.Vectors;
using Causeway.Protocol.Security;
using Causeway.Vectors;
using Microsoft.Extensions.Logging;

namespace Causeway.Cli.Commands;

/// <summary><c>causeway party</c>: join a coordinator and train on local data until stopped; rows never leave the process.</summary>
internal static class PartyCommand
{
    private const string CaHint = "give the federation's CA certificate with --ca FILE (ca.crt.pem from the coordinator's operator)";

    /// <param name="verbose">The global --verbose: log every task, not only joins and problems.</param>
    public static Command Create(Option<bool> verbose)
    {
        var join = CliOptions.CoordinatorAddresses(
            "--join",
            "The coordinator's address, e.g. https://coordinator.example:7443. Repeat it for a coordinator with standbys: the party moves to the next address when one stops answering.");
        var id = new Option<string>("--id") { Description = "This party's id in the federation (with --cert, the certificate's common name).", Required = true };
        var token = new Option<string?>("--token") { Description = "The federation's join token (or CAUSEWAY_JOIN_TOKEN, which keeps it out of process lists)." };
        var data = new Option<FileInfo?>("--data") { Description = "The local training table (CSV/TSV) for horizontal runs.", HelpName = "FILE" };
        var evaluation = new Option<FileInfo?>("--eval") { Description = "A local held-out table for federated evaluation.", HelpName = "FILE" };
        var schema = new Option<FileInfo?>("--schema") { Description = "The federation's data schema (the same file at every party); with --data.", HelpName = "FILE" };
        var verticalData = new Option<FileInfo?>("--vertical-data")
        {
            Description = "This party's own columns for vertical jobs: a table with an ID column (docs/vertical.md); needs --vertical-schema.",
            HelpName = "FILE",
        };
        var verticalSchema = new Option<FileInfo?>("--vertical-schema") { Description = "The schema of --vertical-data: one id column, the label only at the guest.", HelpName = "FILE" };
        var arbiter = new Option<bool>("--arbiter") { Description = "Hold the Paillier key of vertical jobs with an arbiter (no data needed)." };
        var scoring = new Option<bool>("--vertical-scoring")
        {
            Description = "Answer vertical inference of IDs after training (POST /api/vertical/jobs/{id}/score): the requester learns which of the IDs this party holds and its partial scores of them.",
        };
        var mapping = new Option<FileInfo?>("--mapping")
        {
            Description = "Maps this party's column names and units to the schema's (docs/features.md); checked against the schema before joining.",
            HelpName = "FILE",
        };
        var ratings = new Option<FileInfo?>("--ratings")
        {
            Description = "Serve ratings for recommendation runs: the federation's ratings file (user,item,rating[,timestamp]); this process keeps its share of the users (docs/recommendation.md).",
            HelpName = "FILE",
        };
        var virtualUsers = new Option<bool>("--virtual-users")
        {
            Description = "With --ratings: one party per user (cross-device), each with its own session, id {--id}-{user}; without it one party holds every user served (cross-silo).",
        };
        var share = new Option<string>("--share")
        {
            Description = "With --ratings: serve share I of N of the users (user number u, in file order, when u mod N = I - 1), e.g. 2/4.",
            HelpName = "I/N",
            DefaultValueFactory = _ => "1/1",
        };
        var serve = new Option<string?>("--serve")
        {
            Description = "With --ratings: answer top-K and fold-in requests for this process's users on a loopback address, e.g. 127.0.0.1:8700 (GET /recommendations/{user}?k=10, PUT /users/{user}/ratings).",
            HelpName = "ADDRESS",
        };
        var releaseLedger = new Option<FileInfo?>("--release-ledger")
        {
            Description = "With --serve: allow differentially private releases of this party's own results (GET /popular), each charged to this ledger file, which keeps the spending across restarts.",
            HelpName = "FILE",
        };
        var releaseEpsilon = new Option<double>("--release-epsilon-budget")
        {
            Description = "With --release-ledger: the total epsilon this party's released results may spend (basic composition).",
            DefaultValueFactory = _ => 1.0,
        };
        var releaseDelta = new Option<double>("--release-delta-budget")
        {
            Description = "With --release-ledger: the total delta they may spend.",
            DefaultValueFactory = _ => 1e-6,
        };
        var vectorStore = new Option<DirectoryInfo?>("--vectors")
        {
            Description = "Answer federated vector queries from this vector store (causeway vectors ...), under each collection's disclosure.json (docs/vectors.md).",
            HelpName = "DIR",
        };
        var vectorsApi = new Option<string?>("--vectors-api")
        {
            Description = "With --vectors: also serve the store's HTTP JSON API (Qdrant-style) for this machine's applications on a loopback address, e.g. 127.0.0.1:6333.",
            HelpName = "ADDRESS",
        };
        var splitSeed = new Option<ulong>("--split-seed") { Description = "With --ratings: seeds the 80/20 held-out split (as bench recsys --seed).", DefaultValueFactory = _ => 42 };
        var authority = new Option<FileInfo?>("--ca") { Description = "The federation CA certificate (PEM) the coordinator's certificate must chain to (default: the system's trust store).", HelpName = "FILE" };
        var certificate = new Option<FileInfo?>("--cert") { Description = "Client certificate (PEM) for mutual TLS; needs --key.", HelpName = "FILE" };
        var key = new Option<FileInfo?>("--key") { Description = "The client certificate's private key (PEM).", HelpName = "FILE" };
        var requireAuthenticated = new Option<bool>("--require-authenticated-secagg")
        {
            Description = "Take part in authenticated secure aggregation only (keys signed with --cert's key, the consistency check), so the coordinator cannot turn them off; needs --cert.",
        };
        var slowdown = new Option<double>("--slowdown")
        {
            Description = "Test knob for benchmarks: train F times as slow (after training, wait F - 1 times its duration), as a slower device would.",
            DefaultValueFactory = _ => 1,
            HelpName = "F",
        };
        var ownModels = new Option<DirectoryInfo?>("--own-models")
        {
            Description = "With --data: after each evaluation round, write this party's own model to DIR/RUN.cw (for `causeway predict`). With personal layers (FedPer) that is the shared layers under this party's own, which never leave it.",
            HelpName = "DIR",
        };
        var verticalModels = new Option<DirectoryInfo?>("--vertical-models")
        {
            Description = "With --vertical-data: when a split-network job's training ends, write this party's bottom model (its raw columns in, its embedding out) and, at the guest, the top model as ONNX to DIR/JOB/; when a transfer job ends, the target writes its model's prediction for every row of its table to DIR/JOB/transfer-predictions.csv. Nothing written leaves this machine.",
            HelpName = "DIR",
        };
        var command = new Command("party", "Join a federation and train on local data until stopped (Ctrl+C). Only model updates and aggregate statistics leave this machine.")
        {
            join, id, token, data, evaluation, schema, mapping, ratings, virtualUsers, share, splitSeed, serve, releaseLedger, releaseEpsilon, releaseDelta, vectorStore, vectorsApi, verticalData, verticalSchema, arbiter, scoring, verticalModels, authority, certificate, key, requireAuthenticated, slowdown, ownModels,
        };
        command.SetAction(async (parse, cancellationToken) =>
        {
            var joinToken = parse.GetValue(token) ?? Secrets.FromEnvironment("CAUSEWAY_JOIN_TOKEN").FirstOrDefault();
            if (joinToken is null)
            {
                Console.Error.WriteLine("party: give the join token with --token or CAUSEWAY_JOIN_TOKEN.");
                return 2;
            }

            if (parse.GetValue(certificate) is null != parse.GetValue(key) is null)
            {
                Console.Error.WriteLine("party: --cert and --key go together.");
                return 2;
            }

            if (parse.GetValue(requireAuthenticated) && parse.GetValue(certificate) is null)
            {
                Console.Error.WriteLine("party: --require-authenticated-secagg signs with the client certificate's key: give --cert and --key.");
                return 2;
            }

            if (parse.GetValue(data) is null != parse.GetValue(schema) is null || parse.GetValue(verticalData) is null != parse.GetValue(verticalSchema) is null)
            {
                Console.Error.WriteLine("party: --data goes with --schema, and --vertical-data with --vertical-schema.");
                return 2;
            }

            if (parse.GetValue(ratings) is { } ratingsFile)
            {
                if (parse.GetValue(data) is not null || parse.GetValue(verticalData) is not null || parse.GetValue(arbiter) || parse.GetValue(certificate) is not null)
                {
                    Console.Error.WriteLine("party: --ratings serves recommendation runs only: leave out --data, --vertical-data, --arbiter and --cert.");
                    return 2;
                }

                if (parse.GetValue(releaseLedger) is not null && parse.GetValue(serve) is null)
                {
                    Console.Error.WriteLine("party: --release-ledger goes with --serve (releases are asked for on the party's endpoint).");
                    return 2;
                }

                var release = parse.GetValue(releaseLedger) is { } ledgerFile
                    ? new ReleaseBudget(ledgerFile.FullName, parse.GetValue(releaseEpsilon), parse.GetValue(releaseDelta))
                    : null;
                return await ServeRatingsAsync(
                    ratingsFile, parse.GetValue(id)!, joinToken, parse.GetValue(join)!, parse.GetValue(authority), parse.GetValue(share)!,
                    parse.GetValue(virtualUsers), parse.GetValue(splitSeed), parse.GetValue(serve), release, parse.GetValue(verbose), cancellationToken);
            }

            if (parse.GetValue(virtualUsers))
            {
                Console.Error.WriteLine("party: --virtual-users goes with --ratings.");
                return 2;
            }

            if (parse.GetValue(data) is null && parse.GetValue(verticalData) is null && !parse.GetValue(arbiter) && parse.GetValue(vectorStore) is null)
            {
                Console.Error.WriteLine("party: give --data (horizontal runs), --ratings (recommendation runs), --vertical-data (vertical jobs), --arbiter or --vectors (vector search).");
                return 2;
            }

            if (parse.GetValue(slowdown) is var factor && !(factor >= 1 && double.IsFinite(factor)))
            {
                Console.Error.WriteLine($"party: --slowdown must be a number of at least 1 (1 = not slowed), got {factor}.");
                return 2;
            }

            ITaskHandler handler;
            VerticalTable? verticalTable = null;
            var partyId = parse.GetValue(id)!;
            try
            {
                handler = parse.GetValue(data) is { } train
                    ? LoadData(partyId, parse.GetValue(schema)!, parse.GetValue(mapping), train, parse.GetValue(evaluation))
                    : new NoDataHandler(new PartyId(partyId));
                if (parse.GetValue(verticalData) is { } verticalFile)
                {
                    verticalTable = VerticalTable.Load(verticalFile.FullName, parse.GetValue(verticalSchema)!.FullName);
                }
            }
            catch (Exception e) when (e is DataFormatException or VerticalDataException or IOException or UnauthorizedAccessException or ArgumentException)
            {
                Console.Error.WriteLine($"party: {e.Message}");
                return 2;
            }

            using var loggers = LoggerFactory.Create(builder => builder
                .AddSimpleConsole(o =>
                {
                    o.SingleLine = true;
                    o.TimestampFormat = "HH:mm:ss ";
                })
                .SetMinimumLevel(parse.GetValue(verbose) ? LogLevel.Information : LogLevel.Warning)
                .AddFilter("Causeway.Party.PartyHost", parse.GetValue(verbose) ? LogLevel.Information : LogLevel.Warning));
            using var ca = parse.GetValue(authority) is { } caFile
                ? PemFiles.LoadCertificate(caFile.FullName, "--ca", CaHint)
                : null;
            using var clientCertificate = parse.GetValue(certificate) is { } certFile
                ? PemFiles.LoadWithKey(certFile.FullName, parse.GetValue(key)!.FullName, "--cert/--key", $"the operator issues them with `causeway certs add-party {partyId}`")
                : null;
            var coordinators = parse.GetValue(join)!;
            var options = new PartyClientOptions
            {
                Coordinator = coordinators[0],
                PartyId = partyId,
                JoinToken = joinToken,
                FederationAuthority = ca,
                ClientCertificate = clientCertificate,
                RequireAuthenticatedSecureAggregation = parse.GetValue(requireAuthenticated),
            };
            foreach (var standby in coordinators.Skip(1))
            {
                options.FailoverCoordinators.Add(standby);
            }

            using var client = new PartyClient(options);
            // PSI tag files go to a directory only this process uses (0700), deleted when the party stops.
            var verticalWork = verticalTable is not null || parse.GetValue(arbiter) ? Directory.CreateTempSubdirectory("causeway-vertical-") : null;
            var splitFolder = parse.GetValue(verticalModels)?.FullName;
            using var vertical = verticalWork is not null
                ? new VerticalParty(verticalTable, verticalWork.FullName, parse.GetValue(arbiter), parse.GetValue(scoring))
                {
                    SplitTrained = splitFolder is null ? null : part => VerticalModelFiles.SaveSplitPart(part, splitFolder),
                    TransferTrained = splitFolder is null ? null : predictions => VerticalModelFiles.SaveTransferPredictions(predictions, splitFolder),
                }
                : null;
            using var store = parse.GetValue(vectorStore) is { } storeFolder ? VectorStore.Open(storeFolder.FullName) : null;
            using var vectors = store is null ? null : new VectorParty(store);
            var apiAt = CliOptions.LoopbackEndpoint(parse.GetValue(vectorsApi));
            if (parse.GetValue(vectorsApi) is { } apiText && (store is null || apiAt is null))
            {
                Console.Error.WriteLine($"party: --vectors-api goes with --vectors and must be a loopback address with a port, e.g. 127.0.0.1:6333; got '{apiText}'.");
                return 2;
            }

            // The party's applications ask federated queries through this process: the coordinator names the party as querier.
            await using var vectorsEndpoint = apiAt is null ? null : await VectorApiServer.StartAsync(
                apiAt, store!, vectors!, new FederatedSearch(options.PartyId, client.SearchAsync), cancellationToken);
            using var host = new PartyHost(client, factor > 1 ? new SlowedTaskHandler(handler, factor) : handler, options, loggers.CreateLogger<PartyHost>(), vertical: vertical, vectors: vectors);
            host.TaskFinished += task => Console.WriteLine(string.Create(
                CultureInfo.InvariantCulture, $"run {task.RunId} round {task.Round}: {task.Kind} done in {task.Seconds:F2} s"));
            host.EvaluationReported += report => Console.WriteLine(Describe(report));
            if (parse.GetValue(ownModels) is { } ownFolder && handler is LocalDataHandler own)
            {
                Directory.CreateDirectory(ownFolder.FullName);
                host.EvaluationReported += _ => SaveOwnModel(own, ownFolder.FullName);
            }
            var holds = new List<string>();
            if (handler is LocalDataHandler local)
            {
                holds.Add($"{local.TrainingRows} training rows");
            }

            if (factor > 1)
            {
                holds.Add($"training slowed {factor:G3}x (--slowdown, a test knob)");
            }

            if (verticalTable is not null)
            {
                holds.Add($"{verticalTable.Rows} IDs x {verticalTable.Features.Columns} features for vertical jobs{(verticalTable.Labels is null ? string.Empty : " (with labels)")}");
            }

            if (parse.GetValue(arbiter))
            {
                holds.Add("arbiter of vertical jobs");
            }

            if (store is not null)
            {
                holds.Add($"vector store {store.Folder} ({string.Join(", ", store.Names().DefaultIfEmpty("no collections"))})");
            }

            Console.WriteLine(string.Create(
                CultureInfo.InvariantCulture,
                $"party '{partyId}': {string.Join("; ", holds)}; joining {string.Join(" or ", coordinators.Select(c => c.ToString()))} (Ctrl+C to stop)"));
            try
            {
                await host.RunAsync(cancellationToken);
            }
            catch (CoordinatorException e)
            {
                throw Refused(partyId, e);
            }
            catch (AuthenticationException e)
            {
                throw new CliException(Sentence.Fragment(e.Message), ca is null ? CaHint : "--ca must be the federation's current CA certificate (ca.crt.pem from the coordinator's operator)", innerException: e);
            }
            finally
            {
                vertical?.Dispose();
                if (verticalWork is { Exists: true })
                {
                    verticalWork.Delete(recursive: true);
                }
            }

            Console.WriteLine($"party '{partyId}': stopped after {host.CompletedTasks} tasks");
            return 0;
        });
        return command;
    }

    /// <summary>The party's budget for results that leave it: <c>--release-ledger</c> and its (ε, δ) budget.</summary>
    private sealed record ReleaseBudget(string LedgerPath, double Epsilon, double Delta);

    // One process serving ratings parties: one party holding its share of the users, or one party per user.
    private static async Task<int> ServeRatingsAsync(
        FileInfo ratingsFile, string partyId, string joinToken, IReadOnlyList<Uri> coordinators, FileInfo? authority, string shareText, bool virtualUsers, ulong splitSeed,
        string? serve, ReleaseBudget? release, bool verbose, CancellationToken cancellationToken)
    {
        var serveAt = CliOptions.LoopbackEndpoint(serve);
        if (serve is not null && serveAt is null)
        {
            Console.Error.WriteLine($"party: --serve must be a loopback address with a port, e.g. 127.0.0.1:8700 (the endpoint has no authentication); got '{serve}'.");
            return 2;
        }

        if (ParseShare(shareText) is not var (share, shares))
        {
            Console.Error.WriteLine($"party: --share must be I/N with 1 <= I <= N, e.g. 2/4; got '{shareText}'.");
            return 2;
        }

        RatingsParties parties;
        try
        {
            parties = RatingsParties.Load(ratingsFile.FullName, partyId, share, shares, virtualUsers, splitSeed);
        }
        catch (Exception e) when (e is DataFormatException or IOException or UnauthorizedAccessException or ArgumentException)
        {
            Console.Error.WriteLine($"party: {e.Message}");
            return 2;
        }

        using var loggers = LoggerFactory.Create(builder => builder
            .AddSimpleConsole(o =>
            {
                o.SingleLine = true;
                o.TimestampFormat = "HH:mm:ss ";
            })
            .SetMinimumLevel(verbose ? LogLevel.Information : LogLevel.Warning));
        using var ca = authority is null ? null : PemFiles.LoadCertificate(authority.FullName, "--ca", CaHint);
        PartyClientOptions OptionsFor(string party)
        {
            var options = new PartyClientOptions { Coordinator = coordinators[0], PartyId = party, JoinToken = joinToken, FederationAuthority = ca };
            foreach (var standby in coordinators.Skip(1))
            {
                options.FailoverCoordinators.Add(standby);
            }

            return options;
        }

        Console.WriteLine(string.Create(
            CultureInfo.InvariantCulture,
            $"party '{partyId}': {parties.Users} users of {ratingsFile.Name} (share {share}/{shares}) as {parties.Parties.Count} {(parties.Parties.Count == 1 ? "party" : "parties")}, {parties.Items} items; joining {string.Join(" or ", coordinators.Select(c => c.ToString()))} (Ctrl+C to stop)"));
        ReleaseLedger? ledger;
        try
        {
            ledger = release is null ? null : ReleaseLedger.Open(release.LedgerPath, release.Epsilon, release.Delta);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException or ArgumentOutOfRangeException)
        {
            Console.Error.WriteLine($"party: --release-ledger: {Sentence.Fragment(e.Message)}.");
            return 2;
        }

        using var _ = ledger;
        await using var endpoint = serveAt is null ? null : await RecommendationServer.StartAsync(serveAt, [.. parties.Parties.Select(p => p.Handler)], cancellationToken, ledger);
        if (endpoint is not null)
        {
            Console.WriteLine($"party '{partyId}': recommendations at {endpoint.Address}recommendations/USER?k=10");
            if (ledger is not null)
            {
                Console.WriteLine(string.Create(
                    CultureInfo.InvariantCulture,
                    $"party '{partyId}': DP releases at {endpoint.Address}popular?epsilon=E, spent {ledger.EpsilonSpent:G4} of epsilon {ledger.EpsilonBudget:G4} ({release!.LedgerPath})"));
            }
        }

        int completed;
        try
        {
            completed = await parties.RunAsync(OptionsFor, (client, handler, options) => new PartyHost(client, handler, options, loggers.CreateLogger<PartyHost>()), cancellationToken);
        }
        catch (CoordinatorException e)
        {
            throw Refused(partyId, e);
        }
        catch (AuthenticationException e)
        {
            throw new CliException(Sentence.Fragment(e.Message), ca is null ? CaHint : "--ca must be the federation's current CA certificate (ca.crt.pem from the coordinator's operator)", innerException: e);
        }

        Console.WriteLine($"party '{partyId}': stopped after {completed} tasks");
        return 0;
    }

    private static (int Share, int Shares)? ParseShare(string text)
    {
        var parts = text.Split('/');
        return parts.Length == 2
            && int.TryParse(parts[0], NumberStyles.None, CultureInfo.InvariantCulture, out var i)
            && int.TryParse(parts[1], NumberStyles.None, CultureInfo.InvariantCulture, out var n)
            && i >= 1 && i <= n
            ? (i, n)
            : null;
    }

    // A refusal the party cannot get past by retrying: what the coordinator said, and what to change.
    private static CliException Refused(string partyId, CoordinatorException e) => e.Status switch
    {
        HttpStatusCode.Unauthorized => new CliException(
            $"the coordinator refused the join token ({e.Reason})",
            e.Reason.Contains("expired", StringComparison.Ordinal)
                ? "ask the federation's operator for a new one (--token or CAUSEWAY_JOIN_TOKEN)"
                : "ask the federation's operator for the right one (--token or CAUSEWAY_JOIN_TOKEN)",
            innerException: e),
        HttpStatusCode.Forbidden when e.Reason.Contains("certificate", StringComparison.Ordinal) => new CliException(
            $"the coordinator refused '{partyId}': {e.Reason}",
            $"--cert/--key must be the certificate issued for --id {partyId} (`causeway certs add-party {partyId}` on the CA's host)",
            innerException: e),
        HttpStatusCode.Forbidden => new CliException(
            $"the coordinator refused '{partyId}': {e.Reason}", "check --id against the name the federation's operator admitted", innerException: e),
        HttpStatusCode.BadRequest => new CliException(
            $"the coordinator refused '{partyId}': {e.Reason}", $"--id must be {PartyId.Rule}", innerException: e),
        HttpStatusCode.Conflict => new CliException(
            $"the coordinator refused '{partyId}': {e.Reason}", $"is another party process running with --id {partyId}?", innerException: e),
        _ => new CliException($"the coordinator refused '{partyId}': {e.Message}", hint: null, innerException: e),
    };

    private static LocalDataHandler LoadData(string partyId, FileInfo schemaFile, FileInfo? mappingFile, FileInfo trainFile, FileInfo? evaluationFile)
    {
        var schemaJson = File.ReadAllText(schemaFile.FullName);
        var schema = DataSchema.Parse(schemaJson, schemaFile.FullName);
        var mapping = mappingFile is null ? null : ColumnMapping.Load(mappingFile.FullName);
        DataTable Read(FileInfo file) => mapping is null ? TableReader.Read(file.FullName, schema) : TableReader.Read(file.FullName, schema, mapping);
        var train = Read(trainFile);
        var evaluation = evaluationFile is null ? null : Read(evaluationFile);
        return new LocalDataHandler(new PartyId(partyId), schemaJson, train, evaluation);
    }

    // One line per evaluation round: the federation's metrics of the global model, then this party's own.
    private static string Describe(Federation.Horizontal.EvaluationReport report)
    {
        static string Metrics(Core.Metrics.Evaluation e) => string.Join(", ", new[]
        {
            e.Accuracy is { } a ? string.Create(System.Globalization.CultureInfo.InvariantCulture, $"accuracy {a:P2}") : null,
            e.RocAuc is { } auc ? string.Create(System.Globalization.CultureInfo.InvariantCulture, $"AUC {auc:F4}") : null,
            e.Rmse is { } rmse ? string.Create(System.Globalization.CultureInfo.InvariantCulture, $"RMSE {rmse:G5}") : null,
            string.Create(System.Globalization.CultureInfo.InvariantCulture, $"loss {e.Loss:F4} over {e.Examples:N0} rows"),
        }.OfType<string>());
        return $"round {report.Round}: the federation's {Metrics(report.Federation)}; yours: {(report.Yours is { } yours ? Metrics(yours) : "-")}";
    }

    // After an evaluation round: this party's own model of the run, replaced atomically (ModelFile.Save writes and renames).
    private static void SaveOwnModel(LocalDataHandler handler, string folder)
    {
        if (handler.OwnModel() is not { } own)
        {
            return;
        }

        var path = Path.Combine(folder, $"{own.RunId}.cw");
        try
        {
            own.Model.Save(path);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            Console.Error.WriteLine($"party: could not write its own model to {path}: {e.Message}");
        }
    }
}
