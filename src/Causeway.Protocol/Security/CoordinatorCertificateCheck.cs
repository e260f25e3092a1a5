using System.Globalization;
using System.Net.Security;
using System.Security.Cryptography.X509Certificates;

namespace Causeway.Protocol.Security;

/// <summary>
/// Checks a coordinator's TLS certificate, against the federation CA when one is given (<see cref="FederationTrust"/>) or
/// else against the operating system's trust store, and remembers why it refused the last certificate it refused.
/// </summary>
/// <remarks>
/// A TLS handshake that fails in the validation callback surfaces as a bare "SSL connection could not be established";
/// <see cref="LastRefusal"/> keeps the reason so clients can say which certificate was refused and why. One instance per
/// <see cref="System.Net.Http.SocketsHttpHandler"/>; the reason is cleared by the next certificate accepted.
/// </remarks>
public sealed class CoordinatorCertificateCheck
{
    private readonly X509Certificate2? _authority;
    private readonly FederationTrust? _trust;
    private volatile string? _lastRefusal;

    /// <param name="authority">The federation CA certificate; null trusts what the operating system's store trusts.</param>
    public CoordinatorCertificateCheck(X509Certificate2? authority)
    {
        _authority = authority;
        _trust = authority is null ? null : new FederationTrust(authority);
    }

    /// <summary>Why the last refused certificate was refused (a sentence fragment), or null when the last one was accepted.</summary>
    public string? LastRefusal => _lastRefusal;

    /// <summary>A <see cref="RemoteCertificateValidationCallback"/>; records the reason of a refusal in <see cref="LastRefusal"/>.</summary>
    public bool Validate(object sender, X509Certificate? certificate, X509Chain? chain, SslPolicyErrors errors)
    {
        var trusted = _trust is { } trust ? trust.ValidateServer(sender, certificate, chain, errors) : errors == SslPolicyErrors.None;
        _lastRefusal = trusted ? null : Describe(sender, certificate, errors);
        return trusted;
    }

    private string Describe(object sender, X509Certificate? certificate, SslPolicyErrors errors)
    {
        if (certificate is null || (errors & SslPolicyErrors.RemoteCertificateNotAvailable) != 0)
        {
            return "it presented no certificate";
        }

        var subject = certificate.Subject;
        if ((errors & SslPolicyErrors.RemoteCertificateNameMismatch) != 0)
        {
            var host = sender is SslStream { TargetHostName: { Length: > 0 } name } ? $" '{name}'" : string.Empty;
            return $"its certificate ({subject}) does not name the host{host} it was reached at";
        }

        if (certificate is X509Certificate2 { NotAfter: var notAfter } && notAfter < DateTime.Now)
        {
            return string.Create(CultureInfo.InvariantCulture, $"its certificate ({subject}) expired on {notAfter.ToUniversalTime():yyyy-MM-dd}");
        }

        if (_authority is null)
        {
            return $"its certificate ({subject}, issued by {certificate.Issuer}) is not trusted by this machine's certificate store";
        }

        // Same name, other key: the CA was created again (e.g. by an older `causeway certs`) after this copy was handed out.
        return certificate.Issuer == _authority.Subject
            ? $"its certificate ({subject}) is issued by another CA named like the federation CA given ({_authority.Subject}): the CA was created again since that copy was made"
            : $"its certificate ({subject}, issued by {certificate.Issuer}) is not issued by the federation CA given ({_authority.Subject})";
    }
}
