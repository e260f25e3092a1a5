using System.Security.Cryptography.X509Certificates;

namespace Causeway.Party;

/// <summary>How a party reaches its coordinator. Times are <see cref="TimeSpan"/>s.</summary>
public sealed class PartyClientOptions
{
    /// <summary>The coordinator's base address, e.g. https://localhost:7443/. Required; tried first.</summary>
    public Uri? Coordinator { get; set; }

    /// <summary>
    /// More addresses of the same federation's coordinator, its standbys on the same store (docs/operations.md), tried in
    /// order after <see cref="Coordinator"/>: when a call fails to connect, times out or loses its connection, the party
    /// moves to the next address (after the last, back to the first) and joins there after the usual backoff. A standby
    /// does not listen until it has taken over, so only the active coordinator answers. Default none.
    /// </summary>
    public IList<Uri> FailoverCoordinators { get; } = [];

    /// <summary>This party's id within the federation. Required.</summary>
    public string PartyId { get; set; } = "";

    /// <summary>The federation's join token. Required.</summary>
    public string JoinToken { get; set; } = "";

    /// <summary>
    /// The federation CA the coordinator's certificate must chain to. Null uses the operating system's trust
    /// store (for coordinators with publicly trusted certificates).
    /// </summary>
    public X509Certificate2? FederationAuthority { get; set; }

    /// <summary>An optional client certificate (with private key) for mutual TLS.</summary>
    public X509Certificate2? ClientCertificate { get; set; }

    /// <summary>
    /// Take part in authenticated secure aggregation only (signed keys and the consistency check, with
    /// <see cref="ClientCertificate"/>'s key), so a coordinator cannot turn them off. Default false.
    /// </summary>
    public bool RequireAuthenticatedSecureAggregation { get; set; }

    /// <summary>Timeout of an ordinary call (join, heartbeat, push). Default 2 min (pushes may carry large models).</summary>
    public TimeSpan RequestTimeout { get; set; } = TimeSpan.FromMinutes(2);

    /// <summary>Added to the coordinator's long-poll timeout before a PullTask is abandoned. Default 15 s.</summary>
    public TimeSpan LongPollGrace { get; set; } = TimeSpan.FromSeconds(15);

    /// <summary>First reconnect delay after a network error; doubles per failure up to <see cref="MaxBackoff"/>. Default 0.5 s.</summary>
    public TimeSpan MinBackoff { get; set; } = TimeSpan.FromMilliseconds(500);

    /// <summary>Longest reconnect delay. Default 30 s.</summary>
    public TimeSpan MaxBackoff { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>
    /// How often a party whose session another process with the same id replaced asks whether the id is free again
    /// (its rival's session ended); it takes the id back only then. Default 15 s.
    /// </summary>
    public TimeSpan StandbyInterval { get; set; } = TimeSpan.FromSeconds(15);

    /// <summary>Free text sent on join. Default "causeway-party/1".</summary>
    public string ClientVersion { get; set; } = "causeway-party/1";

    /// <summary>Throws when a required value is missing or out of range.</summary>
    public void Validate()
    {
        if (Coordinator is null || !Coordinator.IsAbsoluteUri)
        {
            throw new ArgumentException("The coordinator address must be an absolute URI.", nameof(Coordinator));
        }

        if (FailoverCoordinators.Any(c => c is null || !c.IsAbsoluteUri))
        {
            throw new ArgumentException("Every failover coordinator address must be an absolute URI.", nameof(FailoverCoordinators));
        }

        ArgumentException.ThrowIfNullOrWhiteSpace(PartyId);
        ArgumentException.ThrowIfNullOrEmpty(JoinToken);
        ArgumentOutOfRangeException.ThrowIfLessThanOrEqual(RequestTimeout, TimeSpan.Zero, nameof(RequestTimeout));
        ArgumentOutOfRangeException.ThrowIfLessThan(LongPollGrace, TimeSpan.Zero, nameof(LongPollGrace));
        ArgumentOutOfRangeException.ThrowIfLessThanOrEqual(MinBackoff, TimeSpan.Zero, nameof(MinBackoff));
        ArgumentOutOfRangeException.ThrowIfLessThan(MaxBackoff, MinBackoff, nameof(MaxBackoff));
        ArgumentOutOfRangeException.ThrowIfLessThanOrEqual(StandbyInterval, TimeSpan.Zero, nameof(StandbyInterval));
    }
}
