using System.Globalization;
using Causeway.Coordinator.Parties;
using Causeway.Coordinator.Refusals;
using Causeway.Coordinator.Runs;
using Causeway.Federation;
using Causeway.Federation.Vectors;
using Causeway.Vectors;

namespace Causeway.Coordinator.Vectors;

/// <summary>
/// Deploys a run's federated model into the parties' vector stores as a collection's encoder: every connected party
/// holding the collection receives the model file and embeds its raw rows and its own queries with the model's last
/// hidden layer from then on (docs/vectors.md, "Encoders").
/// </summary>
/// <remarks>
/// Parties receive the model that the run's parties trained together, nothing else; the coordinator learns only
/// whether each installed it. A party refuses a model whose last hidden layer is not as wide as its collection's vectors.
/// </remarks>
internal sealed class EncoderDeployment(IStepChannel channel, PartyRegistry parties, RunService runs, TimeProvider time)
{
    /// <summary>How long a party may take to install: 60 s.</summary>
    public static readonly TimeSpan StepTimeout = TimeSpan.FromSeconds(60);

    private long _jobs;

    /// <exception cref="InvalidRequestException">The request is malformed, or the run's model cannot embed (no hidden layer).</exception>
    /// <exception cref="NotFoundException">The run has no model yet.</exception>
    /// <exception cref="ConflictException">No party is connected.</exception>
    public async Task<EncoderResult> DeployAsync(EncoderRequest request, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(request);
        var problem = new CollectionSpec(request.Collection ?? string.Empty, 1, VectorMetric.L2).DescribeProblem()
            ?? (string.IsNullOrWhiteSpace(request.Run) ? "run must name the run whose model becomes the encoder" : null);
        if (problem is not null)
        {
            throw new InvalidRequestException(problem);
        }

        var model = await runs.FindModelAsync(request.Run!, cancellationToken).ConfigureAwait(false)
            ?? throw new NotFoundException($"run '{request.Run}' has no model yet (unknown run, a recommendation run, or no round finished)");
        if (model.Spec.EmbeddingWidth == 0)
        {
            throw new InvalidRequestException($"run '{request.Run}' trained a model without hidden layers; an encoder embeds with its last hidden layer (give the run's model \"hidden\": [...])");
        }

        using var file = new MemoryStream();
        model.Write(file);
        if (file.Length > EncoderInstall.MaxModelBytes)
        {
            throw new InvalidRequestException($"run '{request.Run}''s model file has {file.Length:N0} bytes; an encoder install carries at most {EncoderInstall.MaxModelBytes:N0}");
        }

        var asked = PartySteps.Connected(parties);
        if (asked.Count == 0)
        {
            throw new ConflictException("no party is connected; start the parties with `causeway party --vectors DIR` first");
        }

        var started = time.GetTimestamp();
        var job = string.Create(CultureInfo.InvariantCulture, $"vector-encoder-{Interlocked.Increment(ref _jobs)}");
        var install = new EncoderInstall(request.Collection!, file.ToArray());
        var round = new RoundInfo(job, 0, 0);
        var answers = await Task.WhenAll(asked.Select(p => PartySteps.StepAsync(channel, p, round, install, StepTimeout, cancellationToken))).ConfigureAwait(false);
        var statuses = asked.Zip(answers, (party, answer) => answer switch
        {
            { Reply: EncoderInstalled { Refusal: null } done } => new EncoderParty(party.Value, "installed", done.Width, null),
            { Reply: EncoderInstalled { Refusal: { } why } } => new EncoderParty(party.Value, "refused", 0, why),
            { Failure: { } failure } => new EncoderParty(party.Value, "failed", 0, failure),
            null => new EncoderParty(party.Value, "failed", 0, $"no answer within {StepTimeout.TotalSeconds:G4} s"),
            _ => new EncoderParty(party.Value, "failed", 0, "the party does not serve vector collections"),
        }).ToList();
        return new EncoderResult(request.Collection!, request.Run!, model.Spec.EmbeddingWidth, statuses, time.GetElapsedTime(started).TotalSeconds);
    }
}

/// <summary>An encoder deployment: <c>{"collection": "images", "run": "RUN_ID"}</c>.</summary>
public sealed record EncoderRequest(string? Collection, string? Run);

/// <summary>How one party took the encoder: installed (its width), refused (why, e.g. no such collection), or failed.</summary>
public sealed record EncoderParty(string Party, string Status, int Width, string? Reason);

/// <summary>The deployment's outcome: the encoder's width and every connected party's status.</summary>
public sealed record EncoderResult(string Collection, string Run, int Width, IReadOnlyList<EncoderParty> Parties, double Seconds);
