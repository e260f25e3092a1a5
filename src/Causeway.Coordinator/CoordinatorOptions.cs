using System.Security.Cryptography;
using System.Text;

namespace Causeway.Coordinator;

/// <summary>Settings of a coordinator host. Every value has a default; sizes are in bytes, times are <see cref="TimeSpan"/>s.</summary>
/// <remarks>
/// Tokens are never stored: <see cref="AddJoinToken"/> and <see cref="SetAdminToken"/> keep only their
/// SHA-256 hashes, compared in constant time. Without an admin token the JSON control API answers 403.
/// </remarks>
public sealed class CoordinatorOptions
{
    private readonly List<JoinTokenEntry> _joinTokens = [];

    /// <summary>The federation's name, reported to parties on join. Default "default".</summary>
    public string FederationId { get; set; } = "default";

    /// <summary>The largest protocol request body accepted, in bytes (413 above it). Default 256 MiB.</summary>
    public long MaxMessageBytes { get; set; } = 256L * 1024 * 1024;

    /// <summary>How long a PullTask call blocks before answering "no task". Default 25 s.</summary>
    public TimeSpan LongPollTimeout { get; set; } = TimeSpan.FromSeconds(25);

    /// <summary>How often parties are told to send a heartbeat. Default 5 s.</summary>
    public TimeSpan HeartbeatInterval { get; set; } = TimeSpan.FromSeconds(5);

    /// <summary>
    /// A party from which no request arrived for this long is a dropout: its open tasks fail and it must
    /// join again. Default 30 s; must exceed <see cref="HeartbeatInterval"/>.
    /// </summary>
    public TimeSpan HeartbeatTimeout { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>The largest JSON control API body (run configs, predict rows), in bytes. Default 16 MiB.</summary>
    public long MaxControlBodyBytes { get; set; } = 16L * 1024 * 1024;

    /// <summary>
    /// At start-up, continue the newest run the store holds as running or stopped (the previous coordinator crashed or
    /// was shut down mid-run) from its last closed round. Default true; needs a run store and a run driver.
    /// </summary>
    public bool ResumeInterruptedRun { get; set; } = true;

    /// <summary>
    /// How long an interrupted run waits for the parties of its last closed round to join again before it resumes with
    /// the parties that did. Default 60 s.
    /// </summary>
    public TimeSpan ResumeWaitForParties { get; set; } = TimeSpan.FromSeconds(60);

    /// <summary>
    /// The ε each run's released statistics may spend in total (<c>POST /api/runs/{id}/statistics/release</c>),
    /// composed by summing the ε of every release (basic composition). Default 1.0.
    /// </summary>
    public double StatisticsEpsilonBudget { get; set; } = 1.0;

    /// <summary>The δ each run's released statistics may spend in total (summed over releases). Default 1e-6.</summary>
    public double StatisticsDeltaBudget { get; set; } = 1e-6;

    internal IReadOnlyList<JoinTokenEntry> JoinTokens => _joinTokens;

    internal byte[]? AdminTokenHash { get; private set; }

    /// <summary>
    /// Accepts <paramref name="token"/> for joining the federation; when <paramref name="parties"/> is given,
    /// only for those party ids (any other party id is refused with 403); when <paramref name="expiresAt"/> is given,
    /// only before that time (a join from then on is refused with 401 "join token expired"; sessions already open
    /// are not affected).
    /// </summary>
    public CoordinatorOptions AddJoinToken(string token, IEnumerable<string>? parties = null, DateTimeOffset? expiresAt = null)
    {
        ArgumentException.ThrowIfNullOrEmpty(token);
        _joinTokens.Add(new JoinTokenEntry(HashToken(token), parties is null ? null : [.. parties], expiresAt));
        return this;
    }

    /// <summary>Sets the bearer token that protects the JSON control API (<c>/api/...</c>).</summary>
    public CoordinatorOptions SetAdminToken(string token)
    {
        ArgumentException.ThrowIfNullOrEmpty(token);
        AdminTokenHash = HashToken(token);
        return this;
    }

    /// <summary>Throws when a value is out of range.</summary>
    public void Validate()
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(FederationId);
        ArgumentOutOfRangeException.ThrowIfLessThan(MaxMessageBytes, 1024, nameof(MaxMessageBytes));
        ArgumentOutOfRangeException.ThrowIfGreaterThan(MaxMessageBytes, (long)Array.MaxLength, nameof(MaxMessageBytes));
        ArgumentOutOfRangeException.ThrowIfLessThanOrEqual(LongPollTimeout, TimeSpan.Zero, nameof(LongPollTimeout));
        ArgumentOutOfRangeException.ThrowIfLessThanOrEqual(HeartbeatInterval, TimeSpan.Zero, nameof(HeartbeatInterval));
        ArgumentOutOfRangeException.ThrowIfLessThanOrEqual(HeartbeatTimeout, HeartbeatInterval, nameof(HeartbeatTimeout));
        ArgumentOutOfRangeException.ThrowIfLessThan(MaxControlBodyBytes, 1024, nameof(MaxControlBodyBytes));
        ArgumentOutOfRangeException.ThrowIfLessThan(ResumeWaitForParties, TimeSpan.Zero, nameof(ResumeWaitForParties));
        if (!double.IsFinite(StatisticsEpsilonBudget) || StatisticsEpsilonBudget < 0)
        {
            throw new ArgumentOutOfRangeException(nameof(StatisticsEpsilonBudget), StatisticsEpsilonBudget, "The statistics epsilon budget must be finite and not negative.");
        }

        if (!(StatisticsDeltaBudget is >= 0 and < 1))
        {
            throw new ArgumentOutOfRangeException(nameof(StatisticsDeltaBudget), StatisticsDeltaBudget, "The statistics delta budget must be in [0, 1).");
        }
    }

    internal static byte[] HashToken(string token) => SHA256.HashData(Encoding.UTF8.GetBytes(token));

    /// <param name="Hash">SHA-256 of the token.</param>
    /// <param name="Parties">The party ids it admits; null admits any.</param>
    /// <param name="ExpiresAt">From when it is refused; null never.</param>
    internal sealed record JoinTokenEntry(byte[] Hash, HashSet<string>? Parties, DateTimeOffset? ExpiresAt);
}
