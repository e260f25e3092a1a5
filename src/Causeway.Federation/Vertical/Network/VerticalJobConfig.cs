using System.Text.Json;
using System.Text.Json.Serialization;
using Causeway.Federation.Vertical.Alignment;
using Causeway.Federation.Vertical.Training;
using Causeway.Privacy.Paillier;

namespace Causeway.Federation.Vertical.Network;

/// <summary>
/// A vertical job the coordinator runs over connected parties: PSI on their IDs, then (optionally) vertical linear
/// training on the intersection and scoring of its held-out rows. Each party holds its own table (<c>causeway
/// vertical party</c>); the job names parties by id.
/// </summary>
/// <remarks>
/// <code>
/// { "name": "churn", "guest": "telecom", "hosts": ["payments", "usage"], "arbiter": "auditor",
///   "psi": { "mode": "reveal-to-all", "batchSize": 65536 },
///   "training": { "loss": "taylor-logistic", "encryption": "arbiter",
///                 "epochs": 10, "batchSize": 256, "learningRate": 0.15, "l2": 0, "seed": 1 },
///   "keyBits": 2048,
///   "holdout": { "fraction": 0.3, "seed": 42 },
///   "stepTimeoutSeconds": 600 }
/// </code>
/// Without <c>training</c> (or <c>splitNetwork</c>, a split neural network instead) the job only aligns (any PSI mode). Training needs reveal-to-all: every party must know its
/// aligned rows.
/// </remarks>
public sealed record VerticalJobConfig
{
    /// <summary>A name for reports.</summary>
    public string Name { get; init; } = "vertical";

    /// <summary>The party holding the labels.</summary>
    public string Guest { get; init; } = string.Empty;

    /// <summary>The feature holders.</summary>
    public IReadOnlyList<string> Hosts { get; init; } = [];

    /// <summary>The key holder of arbiter-mode encryption (a party with no data), or null.</summary>
    public string? Arbiter { get; init; }

    /// <summary>The intersection.</summary>
    public VerticalPsiConfig Psi { get; init; } = new();

    /// <summary>Training on the intersection (the settings every role shares), or null to align only.</summary>
    public HeteroLinearOptions? Training { get; init; }

    /// <summary>
    /// A split neural network to train on the intersection instead of a linear model (<c>hidden</c>, <c>embedding</c>,
    /// <c>topHidden</c>, <c>epochs</c>, <c>batchSize</c>, <c>learningRate</c>, <c>seed</c>), or null. Embeddings and their
    /// gradients cross in the clear (docs/vertical.md).
    /// </summary>
    public SplitNetworkOptions? SplitNetwork { get; init; }

    /// <summary>
    /// Federated transfer learning instead (docs/transfer.md, FTL): the guest is the labelled source, the one host the
    /// target, and the aligned IDs are the overlap (<c>dimension</c>, <c>gamma</c>, <c>l2</c>, <c>learningRate</c>,
    /// <c>epochs</c>, <c>sourceWeight</c>, <c>keyBits</c>, <c>seed</c>); or null. Always Paillier-protected: each party
    /// holds its own key pair.
    /// </summary>
    public Transfer.TransferOptions? Transfer { get; init; }

    /// <summary>Paillier modulus bits of the key holder's key (arbiter or two-party encryption). Default 2048.</summary>
    public int KeyBits { get; init; } = 2048;

    /// <summary>Which aligned IDs are held out for scoring.</summary>
    public VerticalHoldoutConfig Holdout { get; init; } = new();

    /// <summary>How long one step may take at a party before the job fails. Default 600 s.</summary>
    public double StepTimeoutSeconds { get; init; } = 600;

    /// <summary>Every party of the job: the guest, the hosts, then the arbiter if any.</summary>
    [JsonIgnore]
    public IReadOnlyList<string> Parties => [Guest, .. Hosts, .. Arbiter is null ? Array.Empty<string>() : [Arbiter]];

    /// <summary>Parses and validates a job.</summary>
    /// <param name="json">The job.</param>
    /// <param name="source">Names the job in errors (a file or an endpoint).</param>
    /// <exception cref="VerticalConfigException">Not valid JSON, or a rule is broken; the message names the source and field.</exception>
    public static VerticalJobConfig Parse(string json, string source)
    {
        VerticalJobConfig? config;
        try
        {
            config = JsonSerializer.Deserialize<VerticalJobConfig>(json, VerticalConfigJson.Options);
        }
        catch (JsonException e)
        {
            throw new VerticalConfigException($"{source}: {e.Message}", e);
        }

        (config ?? throw new VerticalConfigException($"{source}: the job is empty (null).")).Validate(source);
        return config;
    }

    private void Validate(string source)
    {
        var parties = Parties;
        string? problem = null;
        if (string.IsNullOrWhiteSpace(Guest) || Hosts.Count == 0 || Hosts.Any(string.IsNullOrWhiteSpace))
        {
            problem = "guest and at least one host are required";
        }
        else if (parties.Distinct(StringComparer.Ordinal).Count() != parties.Count)
        {
            problem = "guest, hosts and arbiter must be distinct parties";
        }
        else if (Psi.BatchSize is < 1 or > 1 << 20)
        {
            problem = $"psi.batchSize must lie in [1, 1048576]; got {Psi.BatchSize}";
        }
        else if (Psi.Mode == AlignmentMode.CardinalityOnly && Hosts.Count > 1)
        {
            problem = "psi.mode cardinality-only works with one host";
        }
        else if (!(Holdout.Fraction >= 0 && Holdout.Fraction < 1) || (Holdout.Fraction == 0 && (Training ?? SplitNetwork ?? (object?)Transfer) is not null))
        {
            problem = $"holdout.fraction must lie in (0, 1) when the job trains (the held-out rows are scored), in [0, 1) otherwise; got {Holdout.Fraction}";
        }
        else if (!(StepTimeoutSeconds > 0 && StepTimeoutSeconds <= 86_400))
        {
            problem = $"stepTimeoutSeconds must lie in (0, 86400]; got {StepTimeoutSeconds}";
        }
        else if (KeyBits < PaillierPublicKey.MinimumBits || KeyBits > PaillierPublicKey.MaximumBits || KeyBits % 256 != 0)
        {
            problem = $"keyBits must be a multiple of 256 in [{PaillierPublicKey.MinimumBits}, {PaillierPublicKey.MaximumBits}]; got {KeyBits}";
        }
        else if (Transfer is { } transfer)
        {
            problem = Training is not null || SplitNetwork is not null ? "give one of training, splitNetwork and transfer"
                : Hosts.Count != 1 ? "transfer learning takes one host, the target"
                : Arbiter is not null ? "transfer learning has no arbiter (each party holds its own key)"
                : Psi.Mode != AlignmentMode.RevealToAll ? "transfer learning needs psi.mode reveal-to-all (both parties must know the overlap)"
                : !transfer.Protected ? "transfer.protected must stay true over the network (the clear exchange gives the source's labels away)"
                : transfer.DescribeProblem() is { } wrong ? $"transfer.{wrong}"
                : null;
        }
        else if (SplitNetwork is { } split)
        {
            problem = Training is not null ? "give training (a linear model) or splitNetwork, not both"
                : Psi.Mode != AlignmentMode.RevealToAll ? "training needs psi.mode reveal-to-all (every party must know its aligned rows)"
                : Arbiter is not null ? "a split network has no arbiter (nothing is encrypted)"
                : Refusal("splitNetwork", split.Validate);
        }
        else if (Training is { } training)
        {
            problem = Psi.Mode != AlignmentMode.RevealToAll ? "training needs psi.mode reveal-to-all (every party must know its aligned rows)"
                : (training.Encryption == VerticalEncryption.Arbiter) != (Arbiter is not null) ? "an arbiter is named exactly when training.encryption is arbiter"
                : training.Encryption == VerticalEncryption.TwoParty && Hosts.Count != 1 ? "training.encryption two-party works with one host"
                : Refusal("training", training.Validate);
        }
        else if (Arbiter is not null)
        {
            problem = "an arbiter takes part only in training with arbiter encryption";
        }

        if (problem is not null)
        {
            throw new VerticalConfigException($"{source}: {problem}.");
        }
    }

    // The reason a section's own validation refuses it, prefixed with the section, or null.
    private static string? Refusal(string section, Action validate)
    {
        try
        {
            validate();
            return null;
        }
        catch (ArgumentException e)
        {
            return $"{section}: {e.Message.TrimEnd('.')}";
        }
    }
}


/// <summary>The PSI settings of a vertical job.</summary>
public sealed record VerticalPsiConfig
{
    /// <summary>Who learns the intersection. Default reveal-to-all.</summary>
    public AlignmentMode Mode { get; init; } = AlignmentMode.RevealToAll;

    /// <summary>IDs per batch. Default 65,536.</summary>
    public int BatchSize { get; init; } = AlignmentSettings.DefaultBatchSize;
}

/// <summary>Which aligned IDs are held out for scoring (<see cref="Data.VerticalHoldout"/>).</summary>
public sealed record VerticalHoldoutConfig
{
    /// <summary>The share of IDs held out. Default 0.3.</summary>
    public double Fraction { get; init; } = 0.3;

    /// <summary>The public seed of the rule.</summary>
    public ulong Seed { get; init; } = 42;
}
