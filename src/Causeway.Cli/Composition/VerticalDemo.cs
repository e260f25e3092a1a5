using System.Text.Json;
using System.Text.Json.Nodes;
using Causeway.Cli.Output;
using Causeway.Federation.Vertical.Network;
using Causeway.Federation.Vertical.Training;
using Spectre.Console;

namespace Causeway.Cli.Composition;

/// <summary>
/// <c>causeway vertical demo</c>: the bundled churn parties (telecom, the guest with the label; payments and usage,
/// hosts; an auditor arbiter holding the Paillier key) as real <c>causeway party</c> processes joined to a local
/// coordinator, running a vertical job (PSI, training, held-out scoring) through the control API.
/// </summary>
internal static class VerticalDemo
{
    private static readonly JsonDocumentOptions JsonComments = new() { CommentHandling = JsonCommentHandling.Skip, AllowTrailingCommas = true };

    /// <summary>The arbiter the demo adds when <c>--encryption arbiter</c> is asked of a job that names none.</summary>
    public const string DefaultArbiter = "auditor";

    /// <summary>A job ready to post: its JSON (after the overrides) and the validated config.</summary>
    public sealed record Job(string Json, VerticalJobConfig Config);

    /// <summary>The bundled job: <c>samples/configs/churn-vertical-job.json</c>.</summary>
    public static string DefaultConfigPath(string samples) => Path.Combine(samples, "configs", "churn-vertical-job.json");

    /// <summary>
    /// Reads a vertical job and applies the demo's overrides: <paramref name="encryption"/> (none, arbiter or two-party;
    /// the arbiter is dropped unless arbiter, and <see cref="DefaultArbiter"/> named if the job has none) and
    /// <paramref name="epochs"/>.
    /// </summary>
    /// <exception cref="VerticalConfigException">The job is not valid JSON, has no training section to override, or breaks a rule after the overrides (the message names the file).</exception>
    /// <exception cref="IOException">The file cannot be read.</exception>
    public static Job LoadJob(string path, string? encryption, int? epochs)
    {
        ArgumentException.ThrowIfNullOrEmpty(path);
        JsonObject job;
        try
        {
            job = JsonNode.Parse(File.ReadAllText(path), documentOptions: JsonComments) as JsonObject
                ?? throw new VerticalConfigException($"{path}: the job must be a JSON object.");
        }
        catch (JsonException e)
        {
            throw new VerticalConfigException($"{path}: {e.Message}", e);
        }

        if (encryption is not null || epochs is not null)
        {
            var training = job["training"] as JsonObject
                ?? throw new VerticalConfigException($"{path}: --encryption and --epochs change the job's training section, and it has none.");
            if (epochs is { } e)
            {
                training["epochs"] = e;
            }

            if (encryption is not null)
            {
                training["encryption"] = encryption;
                if (encryption == "arbiter")
                {
                    job["arbiter"] ??= DefaultArbiter;
                }
                else
                {
                    job.Remove("arbiter");
                }
            }
        }

        var json = job.ToJsonString();
        return new Job(json, VerticalJobConfig.Parse(json, path));
    }

    /// <summary>
    /// Each party of the job as a process: the guest and hosts with their bundled table
    /// (<c>samples/data/telco-customer-churn/parties/ID.csv</c>, schema <c>samples/churn/parties/ID.schema.json</c>), the
    /// arbiter with <c>--arbiter</c>.
    /// </summary>
    /// <exception cref="FileNotFoundException">A data party has no bundled table or schema (the message names the party and the file).</exception>
    public static IReadOnlyList<LocalFederation.Party> Parties(VerticalJobConfig config, string samples)
    {
        ArgumentNullException.ThrowIfNull(config);
        var parties = new List<LocalFederation.Party>();
        foreach (var id in config.Parties)
        {
            if (id == config.Arbiter)
            {
                parties.Add(new LocalFederation.Party(id, ["--arbiter"]));
                continue;
            }

            var table = Path.Combine(samples, "data", "telco-customer-churn", "parties", $"{id}.csv");
            var schema = Path.Combine(samples, "churn", "parties", $"{id}.schema.json");
            foreach (var file in new[] { table, schema })
            {
                if (!File.Exists(file))
                {
                    throw new FileNotFoundException($"The job names party '{id}', and the demo has no bundled file {file} for it (bundled: telecom, payments, usage).", file);
                }
            }

            parties.Add(new LocalFederation.Party(id, ["--vertical-data", table, "--vertical-schema", schema]));
        }

        return parties;
    }

    /// <summary>
    /// Starts the coordinator and the job's party processes in <paramref name="work"/> (a <see cref="WorkFolder"/>), posts the job and
    /// follows it with progress bars until it ends; returns the job's last status from the control API.
    /// </summary>
    /// <exception cref="InvalidOperationException">A process stopped (the message holds its log tail).</exception>
    /// <exception cref="TimeoutException">The processes did not start within a minute.</exception>
    public static async Task<JsonNode> RunAsync(Job job, IReadOnlyList<LocalFederation.Party> parties, string work, ProgressContext progress, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(job);
        ArgumentNullException.ThrowIfNull(progress);
        var starting = progress.AddTask(Markup.Escape($"starting 1 coordinator + {parties.Count} parties ({string.Join(", ", parties.Select(p => p.PartyId))})"), maxValue: 1);
        using var federation = await LocalFederation.StartAsync(work, "vertical-demo", parties, cancellationToken);
        starting.Value = 1;
        return await federation.RunVerticalJobAsync(job.Json, VerticalJobView.ProgressBars(progress), cancellationToken);
    }

    /// <summary>Whether the job trains with Paillier encryption (minutes to hours on a few cores, not seconds).</summary>
    public static bool IsEncrypted(VerticalJobConfig config) => config.Training?.Encryption is VerticalEncryption.Arbiter or VerticalEncryption.TwoParty;
}
