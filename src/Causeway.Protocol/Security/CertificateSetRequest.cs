namespace Causeway.Protocol.Security;

/// <summary>What <see cref="CertificateFolder.Prepare"/> should make sure a folder holds.</summary>
public sealed record CertificateSetRequest
{
    /// <summary>The federation's name: the subject of a CA created now ("CN=NAME Causeway CA"). Default "causeway".</summary>
    public string Federation { get; init; } = "causeway";

    /// <summary>Host names or IP addresses the coordinator is reached at, besides localhost, 127.0.0.1 and ::1. Default none.</summary>
    public IReadOnlyList<string> Hosts { get; init; } = [];

    /// <summary>Party ids to issue client certificates for (an existing one is issued again). Default none.</summary>
    public IReadOnlyList<string> Parties { get; init; } = [];

    /// <summary>How long certificates made now are valid (never past the CA's own end). Default 365 days.</summary>
    public TimeSpan Validity { get; init; } = TimeSpan.FromDays(365);

    /// <summary>
    /// Create a new CA even when the folder holds one. Every CA copy handed out stops working, so the server certificate
    /// and the party certificates in the folder are issued again under the new CA. Default false.
    /// </summary>
    public bool ReplaceAuthority { get; init; }

    /// <summary>Issue the server certificate again even when the one in the folder is still good. Default false.</summary>
    public bool RenewServer { get; init; }
}
