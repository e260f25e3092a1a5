using System.Security.Cryptography;
using System.Net.Security;
using System.Security.Cryptography.X509Certificates;

namespace Causeway.Protocol.Security;

/// <summary>
/// Validates a peer certificate against one federation CA only (X509Chain with a custom trust store),
/// never against the machine's root store and never "accept anything".
/// </summary>
public sealed class FederationTrust
{
    private readonly X509Certificate2 _authority;

    /// <param name="authority">The federation CA certificate (the public part suffices).</param>
    public FederationTrust(X509Certificate2 authority)
    {
        ArgumentNullException.ThrowIfNull(authority);
        _authority = authority;
    }

    /// <summary>
    /// A <see cref="RemoteCertificateValidationCallback"/>: accepts the peer only when its certificate
    /// chains to the federation CA and, for servers, the host name matched (no name mismatch reported).
    /// </summary>
    public bool ValidateServer(object sender, X509Certificate? certificate, X509Chain? chain, SslPolicyErrors errors)
    {
        if ((errors & (SslPolicyErrors.RemoteCertificateNameMismatch | SslPolicyErrors.RemoteCertificateNotAvailable)) != 0)
        {
            return false;
        }

        return certificate is not null && IsIssuedByAuthority(certificate, chain);
    }

    /// <summary>Like <see cref="ValidateServer"/> but without a host name (for client certificates).</summary>
    public bool ValidateClient(X509Certificate2? certificate, X509Chain? chain, SslPolicyErrors errors) =>
        certificate is not null && (errors & SslPolicyErrors.RemoteCertificateNotAvailable) == 0 && IsIssuedByAuthority(certificate, chain);

    /// <summary>
    /// The public key (DER SubjectPublicKeyInfo) of a certificate another party's coordinator relayed, when it chains to
    /// the federation CA, is currently valid and names <paramref name="party"/> (its common name); otherwise null.
    /// </summary>
    public byte[]? PublicKeyOf(string party, byte[] certificate)
    {
        ArgumentNullException.ThrowIfNull(certificate);
        try
        {
            using var loaded = X509CertificateLoader.LoadCertificate(certificate);
            return loaded.GetNameInfo(X509NameType.SimpleName, forIssuer: false) == party && IsIssuedByAuthority(loaded)
                ? loaded.PublicKey.ExportSubjectPublicKeyInfo()
                : null;
        }
        catch (CryptographicException)
        {
            return null;
        }
    }

    /// <summary>Returns true when <paramref name="certificate"/> chains to the federation CA and is currently valid.</summary>
    public bool IsIssuedByAuthority(X509Certificate certificate, X509Chain? presented = null)
    {
        ArgumentNullException.ThrowIfNull(certificate);
        using var chain = new X509Chain();
        chain.ChainPolicy.TrustMode = X509ChainTrustMode.CustomRootTrust;
        chain.ChainPolicy.CustomTrustStore.Add(_authority);
        chain.ChainPolicy.RevocationMode = X509RevocationMode.NoCheck;
        chain.ChainPolicy.VerificationFlags = X509VerificationFlags.NoFlag;
        if (presented is not null)
        {
            // Intermediates the peer sent may help build the path; trust still comes only from the CA.
            foreach (var element in presented.ChainElements)
            {
                chain.ChainPolicy.ExtraStore.Add(element.Certificate);
            }
        }

        using var leaf = certificate as X509Certificate2 is null ? X509CertificateLoader.LoadCertificate(certificate.GetRawCertData()) : null;
        if (!chain.Build(leaf ?? (X509Certificate2)certificate))
        {
            return false;
        }

        var root = chain.ChainElements[^1].Certificate;
        return root.RawDataMemory.Span.SequenceEqual(_authority.RawDataMemory.Span);
    }
}
