namespace Causeway.Protocol.Security;

/// <summary>What <see cref="CertificateFolder"/> did, or why it did nothing.</summary>
/// <param name="Changes">Every certificate file it looked at, in order: the CA, the server certificate, the parties.</param>
/// <param name="Error">Why nothing was written (no CA to issue from, an expired CA, a CA without its key), or null.</param>
public sealed record CertificateFolderResult(IReadOnlyList<CertificateFileChange> Changes, string? Error)
{
    /// <summary>True when the federation CA was created anew over an existing one: every party needs the new CA certificate.</summary>
    public bool ReplacedAuthority => Changes.Count > 0 && Changes[0] is { What: CertificateFolder.AuthorityName, Action: CertificateFileAction.Replaced };

    internal static CertificateFolderResult Failed(string error) => new([], error);
}
