using System.Security.Cryptography.X509Certificates;

namespace Causeway.Coordinator.Parties;

/// <summary>Which party a client certificate names: its subject's common name (as <c>causeway certs</c> issues them).</summary>
/// <remarks>
/// Kestrel has already checked that the certificate chains to the federation CA and is within its validity period
/// (<c>FederationTrust.ValidateClient</c>); this only reads the name the CA vouched for.
/// </remarks>
internal static class PartyCertificate
{
    /// <summary>The party id the certificate names, or null when there is no certificate.</summary>
    public static string? NameOf(X509Certificate2? certificate) =>
        certificate?.GetNameInfo(X509NameType.SimpleName, forIssuer: false);
}
