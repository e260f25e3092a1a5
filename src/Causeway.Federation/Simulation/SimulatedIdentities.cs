using System.Collections.Concurrent;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using Causeway.Federation.Horizontal.Protection;

namespace Causeway.Federation.Simulation;

/// <summary>
/// A simulation's public-key infrastructure for authenticated secure aggregation: an in-memory CA (ECDSA P-256) that
/// issues each simulated party a certificate naming it, so a simulated run checks signatures exactly as parties do over
/// the network (<see cref="SecureAggregationCredentials.PublicKeyOf"/> verifies the chain to this CA and the name).
/// </summary>
/// <remarks>Keys and certificates are made when a party first needs them; nothing is written to disk.</remarks>
public sealed class SimulatedIdentities : IDisposable
{
    private readonly Lazy<X509Certificate2> _authority = new(CreateAuthority);
    private readonly ConcurrentDictionary<PartyId, ECDsa> _keys = new();
    private readonly ConcurrentDictionary<PartyId, Lazy<byte[]>> _certificates = new();

    /// <summary>The party's certificate (DER), issued on first use.</summary>
    public byte[] CertificateOf(PartyId party) => _certificates.GetOrAdd(party, p => new Lazy<byte[]>(() => Issue(p))).Value;

    /// <summary>The credentials a simulated party signs and checks with.</summary>
    public SecureAggregationCredentials CredentialsOf(PartyId party) => new(() => KeyOf(party), PublicKeyOf);

    public void Dispose()
    {
        foreach (var key in _keys.Values)
        {
            key.Dispose();
        }

        if (_authority.IsValueCreated)
        {
            _authority.Value.Dispose();
        }
    }

    private ECDsa KeyOf(PartyId party) => _keys.GetOrAdd(party, _ => ECDsa.Create(ECCurve.NamedCurves.nistP256));

    private byte[] Issue(PartyId party)
    {
        var request = new CertificateRequest($"CN={party.Value}", KeyOf(party), HashAlgorithmName.SHA256);
        var now = DateTimeOffset.UtcNow;
        using var certificate = request.Create(_authority.Value, now.AddMinutes(-5), now.AddDays(1), RandomNumberGenerator.GetBytes(16));
        return certificate.RawData;
    }

    private byte[]? PublicKeyOf(PartyId party, byte[] der)
    {
        try
        {
            using var certificate = X509CertificateLoader.LoadCertificate(der);
            using var chain = new X509Chain();
            chain.ChainPolicy.TrustMode = X509ChainTrustMode.CustomRootTrust;
            chain.ChainPolicy.CustomTrustStore.Add(_authority.Value);
            chain.ChainPolicy.RevocationMode = X509RevocationMode.NoCheck;
            var named = certificate.GetNameInfo(X509NameType.SimpleName, forIssuer: false) == party.Value;
            return named && chain.Build(certificate) ? certificate.PublicKey.ExportSubjectPublicKeyInfo() : null;
        }
        catch (CryptographicException)
        {
            return null;
        }
    }

    private static X509Certificate2 CreateAuthority()
    {
        using var key = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        var request = new CertificateRequest("CN=Causeway simulation CA", key, HashAlgorithmName.SHA256);
        request.CertificateExtensions.Add(new X509BasicConstraintsExtension(certificateAuthority: true, hasPathLengthConstraint: true, pathLengthConstraint: 0, critical: true));
        request.CertificateExtensions.Add(new X509KeyUsageExtension(X509KeyUsageFlags.KeyCertSign | X509KeyUsageFlags.DigitalSignature, critical: true));
        var now = DateTimeOffset.UtcNow;
        // Longer than any party certificate it issues (a day from the issue), so a long simulation can still issue one.
        return request.CreateSelfSigned(now.AddMinutes(-5), now.AddDays(30));
    }
}
