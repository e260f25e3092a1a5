using System.Text.Json;
using System.Text.Json.Serialization;
using Causeway.Core.Metrics;
using Causeway.Federation;
using Causeway.Federation.Horizontal;
using Causeway.Federation.Horizontal.DifferentialPrivacy;

namespace Causeway.Coordinator.Storage;

/// <summary>
/// The validation and normalization every <see cref="IRunStore"/> applies, in one place, so the relational stores and
/// <see cref="InMemoryRunStore"/> accept, refuse and read back exactly the same values.
/// </summary>
internal static class RunStoreRules
{
    /// <summary>How <see cref="RoundRecord.Privacy"/> is stored (camelCase JSON; a value JSON cannot hold is refused on write).</summary>
    // A clip-only run (noise multiplier 0) spends ε = ∞: stored as "Infinity" rather than failing the round.
    public static readonly JsonSerializerOptions PrivacyJson = new(JsonSerializerDefaults.Web)
    {
        NumberHandling = JsonNumberHandling.AllowReadingFromString | JsonNumberHandling.AllowNamedFloatingPointLiterals,
    };

    // Per-party evaluations: NaN (a party's loss can be) is kept as "NaN".
    private static readonly JsonSerializerOptions MetricsJson = PrivacyJson;

    // Run configurations are written by hand (samples/configs/*.json carry comments and trailing commas) and are stored verbatim.
    private static readonly JsonDocumentOptions LenientJson = new() { CommentHandling = JsonCommentHandling.Skip, AllowTrailingCommas = true };

    /// <summary>Throws unless <paramref name="json"/> is one JSON document; comments and trailing commas are allowed.</summary>
    /// <exception cref="ArgumentException">It is not.</exception>
    public static void RequireJson(string json, string what)
    {
        try
        {
            using var document = JsonDocument.Parse(json, LenientJson);
        }
        catch (JsonException e)
        {
            throw new ArgumentException($"The {what} is not a JSON document: {e.Message}", nameof(json), e);
        }
    }

    /// <summary>The instant in UTC, truncated (not rounded) to whole microseconds: the precision both databases keep.</summary>
    public static DateTimeOffset Truncate(DateTimeOffset value)
    {
        var utc = value.ToUniversalTime();
        return new DateTimeOffset(utc.Ticks - (utc.Ticks % TimeSpan.TicksPerMicrosecond), TimeSpan.Zero);
    }

    /// <summary>Null for NaN (SQLite cannot hold NaN, so no store does); ±∞ and every other value unchanged.</summary>
    public static double? NaNAsNull(double? value) => value is { } v && double.IsNaN(v) ? null : value;

    /// <summary>
    /// Compares ids the way the databases order them: by Unicode code point, which is the byte order of their UTF-8
    /// (SQLite's BINARY collation, PostgreSQL's <c>COLLATE "C"</c>). It differs from <see cref="string.CompareOrdinal(string, string)"/>
    /// only between characters U+E000..U+FFFF and characters beyond U+FFFF (surrogate pairs).
    /// </summary>
    public static int CompareIds(string x, string y)
    {
        var common = x.AsSpan().CommonPrefixLength(y);
        if (common == x.Length || common == y.Length)
        {
            return x.Length.CompareTo(y.Length);
        }

        return CodePointOrder(x[common]).CompareTo(CodePointOrder(y[common]));

        // Moves surrogates (U+D800..U+DFFF) above U+E000..U+FFFF and keeps every other order: UTF-16 order becomes code point order.
        static int CodePointOrder(char c) => c >= '\uE000' ? c - 0x800 : c >= '\uD800' ? c + 0x2000 : c;
    }

    /// <summary>A status as the stores write it and as their messages name it (<c>pending</c>, <c>running</c>...).</summary>
    public static string ToText(RunStatus status) => status switch
    {
        RunStatus.Pending => "pending",
        RunStatus.Running => "running",
        RunStatus.Completed => "completed",
        RunStatus.Failed => "failed",
        RunStatus.Stopped => "stopped",
        _ => throw new ArgumentOutOfRangeException(nameof(status), status, null),
    };

    /// <exception cref="ArgumentOutOfRangeException"><paramref name="status"/> is not a defined <see cref="RunStatus"/>.</exception>
    public static void RequireDefined(RunStatus status)
    {
        if (!Enum.IsDefined(status))
        {
            throw new ArgumentOutOfRangeException(nameof(status), status, "Unknown run status.");
        }
    }

    /// <summary>The error for a status change that <see cref="RunStatusTransitions.IsAllowed"/> refuses.</summary>
    public static InvalidOperationException TransitionRefused(string runId, RunStatus from, RunStatus to) =>
        new($"Run '{runId}' cannot move from {ToText(from)} to {ToText(to)}.");

    /// <summary>Throws when a round cannot be stored: bad counts or duration, a null or unknown party row, a party listed twice.</summary>
    public static void Validate(RoundRecord round)
    {
        ArgumentNullException.ThrowIfNull(round);
        ArgumentException.ThrowIfNullOrWhiteSpace(round.RunId, nameof(round));
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(round.Round, nameof(round));
        ArgumentOutOfRangeException.ThrowIfNegative(round.Selected, nameof(round));
        ArgumentOutOfRangeException.ThrowIfNegative(round.Participants, nameof(round));
        ArgumentOutOfRangeException.ThrowIfNegative(round.Failures, nameof(round));
        ArgumentOutOfRangeException.ThrowIfNegative(round.Bytes, nameof(round));
        if (round.EvaluationExamples is { } examples)
        {
            ArgumentOutOfRangeException.ThrowIfNegative(examples, nameof(round));
        }

        if (!double.IsFinite(round.Seconds) || round.Seconds < 0)
        {
            throw new ArgumentOutOfRangeException(nameof(round), round.Seconds, "A round's duration is a finite, non-negative number of seconds.");
        }

        ArgumentNullException.ThrowIfNull(round.Parties, nameof(round));
        var seen = new HashSet<string>(StringComparer.Ordinal);
        foreach (var party in round.Parties)
        {
            ArgumentNullException.ThrowIfNull(party, nameof(round));
            ArgumentException.ThrowIfNullOrWhiteSpace(party.Party.Value, nameof(round));
            ArgumentOutOfRangeException.ThrowIfNegative(party.Examples, nameof(round));
            ArgumentOutOfRangeException.ThrowIfNegative(party.Bytes, nameof(round));
            if (!Enum.IsDefined(party.Outcome))
            {
                throw new ArgumentOutOfRangeException(nameof(round), party.Outcome, "Unknown party outcome.");
            }

            if (!seen.Add(party.Party.Value))
            {
                throw new ArgumentException($"Party '{party.Party}' appears twice in round {round.Round}.", nameof(round));
            }
        }
    }

    /// <summary>Throws for an unknown mechanism, an ε that is not finite and positive, or a δ outside [0, 1).</summary>
    public static void Validate(StatisticsReleaseCost release)
    {
        ArgumentNullException.ThrowIfNull(release);
        if (release.Mechanism is not ("laplace" or "gaussian"))
        {
            throw new ArgumentException($"Unknown mechanism '{release.Mechanism}'.", nameof(release));
        }

        if (!(release.Epsilon > 0) || !double.IsFinite(release.Epsilon) || !(release.Delta is >= 0 and < 1))
        {
            throw new ArgumentOutOfRangeException(nameof(release), "Epsilon must be finite and positive, delta in [0, 1).");
        }
    }

    /// <summary>The privacy as stored text, or null; an unbounded ε (no noise) is written as "Infinity".</summary>
    public static string? SerializePrivacy(RoundPrivacy? privacy) =>
        privacy is null ? null : JsonSerializer.Serialize(privacy, PrivacyJson);

    public static RoundPrivacy? DeserializePrivacy(string? json) =>
        json is null ? null : JsonSerializer.Deserialize<RoundPrivacy>(json, PrivacyJson);

    /// <summary>The parties' own evaluations as stored text (a JSON array, NaN as "NaN"), or null when there are none.</summary>
    public static string? SerializePartyEvaluations(IReadOnlyList<PartyEvaluation> evaluations) =>
        evaluations.Count == 0
            ? null
            : JsonSerializer.Serialize(
                evaluations.Select(p => new StoredPartyEvaluation(
                    p.Party.Value, p.Evaluation.Examples, p.Evaluation.Loss, p.Evaluation.Accuracy, p.Evaluation.RocAuc, p.Evaluation.F1, p.Evaluation.Rmse, p.Evaluation.Mae)),
                MetricsJson);

    public static IReadOnlyList<PartyEvaluation> DeserializePartyEvaluations(string? json) =>
        json is null
            ? []
            : [.. JsonSerializer.Deserialize<List<StoredPartyEvaluation>>(json, MetricsJson)!.Select(p =>
                new PartyEvaluation(new PartyId(p.Party), new Evaluation(p.Examples, p.Loss, p.Accuracy, p.RocAuc, p.F1, p.Rmse, p.Mae)))];

    private sealed record StoredPartyEvaluation(string Party, int Examples, double Loss, double? Accuracy, double? RocAuc, double? F1, double? Rmse, double? Mae);
}
