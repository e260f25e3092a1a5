using System.Net;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;

namespace Causeway.Protocol.Security;

/// <summary>
/// Creates a federation's certificates: a CA (ECDSA P-256), a TLS server certificate for the coordinator
/// and client certificates for parties, all signed by the CA; writes and reads them as PEM files.
/// </summary>
/// <remarks>
/// Meant for development and small federations; production federations can hand in their own PEM files
/// (<see cref="LoadPem"/>). Private keys are written with owner-only permissions on Unix. Parties trust
/// the CA explicitly (<see cref="FederationTrust"/>), never the machine's root store.
/// </remarks>
public static class DevCertificates
{
    public const string CaCertificateFile = "ca.crt.pem";
    public const string CaKeyFile = "ca.key.pem";
    public const string ServerCertificateFile = "server.crt.pem";
    public const string ServerKeyFile = "server.key.pem";

    private static readonly TimeSpan Backdate = TimeSpan.FromMinutes(5);

    /// <summary>Creates a self-signed CA certificate (with its private key) for <paramref name="federation"/>.</summary>
    public static X509Certificate2 CreateAuthority(string federation, TimeSpan validity, TimeProvider? time = null)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(federation);
        ArgumentOutOfRangeException.ThrowIfLessThanOrEqual(validity, TimeSpan.Zero);
        var now = (time ?? TimeProvider.System).GetUtcNow();
        using var key = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        var request = new CertificateRequest(new X500DistinguishedName($"CN={Escape(federation)} Causeway CA"), key, HashAlgorithmName.SHA256);
        request.CertificateExtensions.Add(new X509BasicConstraintsExtension(certificateAuthority: true, hasPathLengthConstraint: true, pathLengthConstraint: 0, critical: true));
        request.CertificateExtensions.Add(new X509KeyUsageExtension(X509KeyUsageFlags.KeyCertSign | X509KeyUsageFlags.CrlSign | X509KeyUsageFlags.DigitalSignature, critical: true));
        request.CertificateExtensions.Add(new X509SubjectKeyIdentifierExtension(request.PublicKey, critical: false));
        return request.CreateSelfSigned(now - Backdate, now + validity);
    }

    /// <summary>Issues a TLS server certificate for the given host names and addresses (subject alternative names).</summary>
    public static X509Certificate2 IssueServerCertificate(
        X509Certificate2 authority, IEnumerable<string> dnsNames, IEnumerable<IPAddress> addresses, TimeSpan validity, TimeProvider? time = null)
    {
        ArgumentNullException.ThrowIfNull(dnsNames);
        ArgumentNullException.ThrowIfNull(addresses);
        var san = new SubjectAlternativeNameBuilder();
        string? first = null;
        foreach (var name in dnsNames)
        {
            san.AddDnsName(name);
            first ??= name;
        }

        foreach (var address in addresses)
        {
            san.AddIpAddress(address);
            first ??= address.ToString();
        }

        if (first is null)
        {
            throw new ArgumentException("A server certificate needs at least one host name or address.", nameof(dnsNames));
        }

        return Issue(authority, $"CN={Escape(first)}", "1.3.6.1.5.5.7.3.1", san.Build(), validity, time);
    }

    /// <summary>Issues a server certificate for localhost, 127.0.0.1 and ::1.</summary>
    public static X509Certificate2 IssueLocalhostCertificate(X509Certificate2 authority, TimeSpan validity, TimeProvider? time = null) =>
        IssueServerCertificate(authority, ["localhost"], [IPAddress.Loopback, IPAddress.IPv6Loopback], validity, time);

    /// <summary>Issues a TLS client certificate whose common name is the party id.</summary>
    public static X509Certificate2 IssuePartyCertificate(X509Certificate2 authority, string partyId, TimeSpan validity, TimeProvider? time = null)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(partyId);
        return Issue(authority, $"CN={Escape(partyId)}", "1.3.6.1.5.5.7.3.2", extension: null, validity, time);
    }

    /// <summary>
    /// Creates a CA, a server certificate for localhost (127.0.0.1, ::1) and <paramref name="hosts"/>, and one client
    /// certificate per party in <paramref name="directory"/> (created if missing). Existing files are overwritten: this
    /// is for folders of their own (demos, tests); <see cref="CertificateFolder"/> keeps a federation's CA.
    /// </summary>
    /// <param name="directory">Where the PEM files go.</param>
    /// <param name="federation">The CA's subject.</param>
    /// <param name="parties">Party ids to issue client certificates for.</param>
    /// <param name="validity">How long every certificate is valid.</param>
    /// <param name="hosts">Further host names or IP addresses the coordinator is reached at, or null.</param>
    /// <param name="time">The clock; null for the system clock.</param>
    public static DevCertificateFiles CreateDevelopmentSet(
        string directory, string federation, IEnumerable<string> parties, TimeSpan validity, IEnumerable<string>? hosts = null, TimeProvider? time = null)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(directory);
        ArgumentNullException.ThrowIfNull(parties);
        Directory.CreateDirectory(directory);
        var names = new List<string> { "localhost" };
        var addresses = new List<IPAddress> { IPAddress.Loopback, IPAddress.IPv6Loopback };
        foreach (var host in hosts ?? [])
        {
            if (IPAddress.TryParse(host, out var address))
            {
                addresses.Add(address);
            }
            else
            {
                names.Add(host);
            }
        }

        using var ca = CreateAuthority(federation, validity, time);
        using var server = IssueServerCertificate(ca, names.Distinct(StringComparer.OrdinalIgnoreCase), addresses.Distinct(), validity, time);
        var files = new DevCertificateFiles(
            Path.Combine(directory, CaCertificateFile),
            Path.Combine(directory, CaKeyFile),
            Path.Combine(directory, ServerCertificateFile),
            Path.Combine(directory, ServerKeyFile),
            []);
        WritePem(ca, files.CaCertificate, files.CaKey);
        WritePem(server, files.ServerCertificate, files.ServerKey);
        var partyFiles = new List<PartyCertificateFiles>();
        foreach (var party in parties)
        {
            using var certificate = IssuePartyCertificate(ca, party, validity, time);
            var entry = PartyFiles(directory, party);
            WritePem(certificate, entry.Certificate, entry.Key);
            partyFiles.Add(entry);
        }

        return files with { Parties = partyFiles };
    }

    /// <summary>Where a party's certificate and key go in <paramref name="directory"/>: <c>party-ID.crt.pem</c> and <c>party-ID.key.pem</c>,
    /// characters other than ASCII letters, digits, '-', '_' and '.' replaced by '_'.</summary>
    public static PartyCertificateFiles PartyFiles(string directory, string partyId)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(partyId);
        var safe = string.Concat(partyId.Select(c => char.IsAsciiLetterOrDigit(c) || c is '-' or '_' or '.' ? c : '_'));
        return new PartyCertificateFiles(partyId, Path.Combine(directory, $"party-{safe}.crt.pem"), Path.Combine(directory, $"party-{safe}.key.pem"));
    }

    /// <summary>Writes the certificate and (when present) its private key as PEM; the key file is owner-only on Unix.</summary>
    public static void WritePem(X509Certificate2 certificate, string certificatePath, string? keyPath)
    {
        ArgumentNullException.ThrowIfNull(certificate);
        ArgumentException.ThrowIfNullOrWhiteSpace(certificatePath);
        File.WriteAllText(certificatePath, certificate.ExportCertificatePem());
        if (keyPath is null)
        {
            return;
        }

        using var key = certificate.GetECDsaPrivateKey() as AsymmetricAlgorithm ?? certificate.GetRSAPrivateKey()
            ?? throw new ArgumentException("The certificate has no ECDSA or RSA private key.", nameof(certificate));
        var pem = key.ExportPkcs8PrivateKeyPem();
        if (OperatingSystem.IsWindows())
        {
            File.WriteAllText(keyPath, pem);
            return;
        }

        using var stream = new FileStream(keyPath, new FileStreamOptions
        {
            Mode = FileMode.Create,
            Access = FileAccess.Write,
            UnixCreateMode = UnixFileMode.UserRead | UnixFileMode.UserWrite,
        });
        using var writer = new StreamWriter(stream);
        writer.Write(pem);
    }

    /// <summary>Loads a PEM certificate, with its private key when <paramref name="keyPath"/> is given.</summary>
    public static X509Certificate2 LoadPem(string certificatePath, string? keyPath = null)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(certificatePath);
        if (keyPath is null)
        {
            return X509CertificateLoader.LoadCertificateFromFile(certificatePath);
        }

        using var withEphemeralKey = X509Certificate2.CreateFromPemFile(certificatePath, keyPath);

        // Round trip through PKCS#12 so the key is usable by SslStream on every platform.
        return X509CertificateLoader.LoadPkcs12(withEphemeralKey.Export(X509ContentType.Pkcs12), password: null);
    }

    private static X509Certificate2 Issue(
        X509Certificate2 authority, string subject, string usageOid, X509Extension? extension, TimeSpan validity, TimeProvider? time)
    {
        ArgumentNullException.ThrowIfNull(authority);
        ArgumentOutOfRangeException.ThrowIfLessThanOrEqual(validity, TimeSpan.Zero);
        using var caKey = authority.GetECDsaPrivateKey()
            ?? throw new ArgumentException("The authority certificate has no ECDSA private key.", nameof(authority));
        var now = (time ?? TimeProvider.System).GetUtcNow();
        var notAfter = now + validity < authority.NotAfter ? now + validity : new DateTimeOffset(authority.NotAfter.ToUniversalTime());
        using var key = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        var request = new CertificateRequest(new X500DistinguishedName(subject), key, HashAlgorithmName.SHA256);
        request.CertificateExtensions.Add(new X509BasicConstraintsExtension(certificateAuthority: false, hasPathLengthConstraint: false, pathLengthConstraint: 0, critical: true));
        request.CertificateExtensions.Add(new X509KeyUsageExtension(X509KeyUsageFlags.DigitalSignature | X509KeyUsageFlags.KeyAgreement, critical: true));
        request.CertificateExtensions.Add(new X509EnhancedKeyUsageExtension([new Oid(usageOid)], critical: false));
        request.CertificateExtensions.Add(new X509SubjectKeyIdentifierExtension(request.PublicKey, critical: false));
        request.CertificateExtensions.Add(X509AuthorityKeyIdentifierExtension.CreateFromCertificate(authority, includeKeyIdentifier: true, includeIssuerAndSerial: false));
        if (extension is not null)
        {
            request.CertificateExtensions.Add(extension);
        }

        var serial = RandomNumberGenerator.GetBytes(16);
        serial[0] &= 0x7F;
        using var issued = request.Create(authority.SubjectName, X509SignatureGenerator.CreateForECDsa(caKey), now - Backdate, notAfter, serial);
        return issued.CopyWithPrivateKey(key);
    }

    private static string Escape(string value) => value.Replace(",", "\\,", StringComparison.Ordinal).Replace("=", "\\=", StringComparison.Ordinal);
}
