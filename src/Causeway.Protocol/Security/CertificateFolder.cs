using System.Globalization;
using System.Net;
using System.Security.Cryptography.X509Certificates;

namespace Causeway.Protocol.Security;

/// <summary>
/// A federation's certificate folder, as <c>causeway certs</c> keeps it: the CA (<see cref="DevCertificates.CaCertificateFile"/>
/// and its key), the coordinator's server certificate and the parties' client certificates (<see cref="DevCertificates.PartyFiles"/>).
/// </summary>
/// <remarks>
/// The CA is made once and then reused: every party was handed a copy of its certificate, and every certificate issued
/// later must chain to that copy. It is replaced only when asked (<see cref="CertificateSetRequest.ReplaceAuthority"/>).
/// The server certificate is kept while it is valid, issued by the CA and names every host asked for; when it is issued
/// again it keeps the names it had. Failures that leave the folder unusable for issuing (no CA, a CA without its key,
/// an expired CA) are returned as <see cref="CertificateFolderResult.Error"/> with nothing written.
/// </remarks>
public sealed class CertificateFolder
{
    internal const string AuthorityName = "federation CA";
    private const string ServerName = "server certificate";

    private readonly TimeProvider _time;

    /// <param name="directory">The folder (created when something is written to it).</param>
    /// <param name="time">The clock; the system's when null.</param>
    public CertificateFolder(string directory, TimeProvider? time = null)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(directory);
        Directory = Path.GetFullPath(directory);
        _time = time ?? TimeProvider.System;
    }

    /// <summary>The folder's full path.</summary>
    public string Directory { get; }

    public string CaCertificate => Path.Combine(Directory, DevCertificates.CaCertificateFile);

    public string CaKey => Path.Combine(Directory, DevCertificates.CaKeyFile);

    public string ServerCertificate => Path.Combine(Directory, DevCertificates.ServerCertificateFile);

    public string ServerKey => Path.Combine(Directory, DevCertificates.ServerKeyFile);

    /// <summary>
    /// Makes sure the folder holds a CA (reused, or created when there is none or <see cref="CertificateSetRequest.ReplaceAuthority"/>),
    /// a server certificate for localhost and the requested hosts, and a client certificate for each requested party.
    /// </summary>
    public CertificateFolderResult Prepare(CertificateSetRequest request)
    {
        ArgumentNullException.ThrowIfNull(request);
        var changes = new List<CertificateFileChange>();
        X509Certificate2 authority;
        if (request.ReplaceAuthority || (!File.Exists(CaCertificate) && !File.Exists(CaKey)))
        {
            var existed = File.Exists(CaCertificate);
            System.IO.Directory.CreateDirectory(Directory);
            authority = DevCertificates.CreateAuthority(request.Federation, request.Validity, _time);
            DevCertificates.WritePem(authority, CaCertificate, CaKey);
            changes.Add(new CertificateFileChange(
                AuthorityName,
                CaCertificate,
                existed ? CertificateFileAction.Replaced : CertificateFileAction.Created,
                existed ? "every party needs this new ca.crt.pem; certificates of the old CA no longer verify" : null));
        }
        else if (LoadAuthority(out var error) is { } loaded)
        {
            authority = loaded;
            changes.Add(new CertificateFileChange(AuthorityName, CaCertificate, CertificateFileAction.Kept, ExpiryNote(authority)));
        }
        else
        {
            return CertificateFolderResult.Failed(error!);
        }

        using (authority)
        {
            var replacedAuthority = changes[0].Action == CertificateFileAction.Replaced;
            changes.Add(PrepareServer(authority, request, replacedAuthority));

            // Under a new CA the folder's party certificates no longer verify: issue them again, with the ones asked for.
            var parties = request.Parties.ToList();
            if (replacedAuthority)
            {
                parties.AddRange(ExistingParties().Where(p => !parties.Contains(p, StringComparer.Ordinal)));
            }

            foreach (var party in parties)
            {
                changes.Add(IssueParty(authority, party, request.Validity, replacedAuthority ? "issued again under the new CA" : null));
            }
        }

        return new CertificateFolderResult(changes, null);
    }

    /// <summary>Issues one more party certificate from the folder's CA (issued again when the party has one). Never touches the CA.</summary>
    /// <param name="partyId">The party's id: the certificate's common name.</param>
    /// <param name="validity">How long it is valid (never past the CA's end).</param>
    public CertificateFolderResult AddParty(string partyId, TimeSpan validity)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(partyId);
        if (LoadAuthority(out var error) is not { } authority)
        {
            return CertificateFolderResult.Failed(error!);
        }

        using (authority)
        {
            return new CertificateFolderResult(
                [new CertificateFileChange(AuthorityName, CaCertificate, CertificateFileAction.Kept, ExpiryNote(authority)), IssueParty(authority, partyId, validity, null)],
                null);
        }
    }

    // The CA with its key, or null and why it cannot issue.
    private X509Certificate2? LoadAuthority(out string? error)
    {
        error = null;
        if (!File.Exists(CaCertificate) && !File.Exists(CaKey))
        {
            error = $"{Directory} holds no federation CA ({DevCertificates.CaCertificateFile} and {DevCertificates.CaKeyFile})";
            return null;
        }

        if (!File.Exists(CaCertificate) || !File.Exists(CaKey))
        {
            var missing = File.Exists(CaCertificate) ? DevCertificates.CaKeyFile : DevCertificates.CaCertificateFile;
            error = $"{Directory} holds only half of the federation CA ({missing} is missing), so no certificate can be issued from it";
            return null;
        }

        var authority = DevCertificates.LoadPem(CaCertificate, CaKey);
        if (authority.NotAfter.ToUniversalTime() <= _time.GetUtcNow().UtcDateTime)
        {
            error = string.Create(CultureInfo.InvariantCulture, $"the federation CA in {Directory} expired on {authority.NotAfter.ToUniversalTime():yyyy-MM-dd}");
            authority.Dispose();
            return null;
        }

        return authority;
    }

    private CertificateFileChange PrepareServer(X509Certificate2 authority, CertificateSetRequest request, bool replacedAuthority)
    {
        var names = new List<string> { "localhost" };
        var addresses = new List<IPAddress> { IPAddress.Loopback, IPAddress.IPv6Loopback };
        string? reason = replacedAuthority ? "issued again under the new CA" : request.RenewServer ? "renewed as asked" : null;
        if (File.Exists(ServerCertificate))
        {
            using var existing = X509CertificateLoader.LoadCertificateFromFile(ServerCertificate);
            var san = existing.Extensions.OfType<X509SubjectAlternativeNameExtension>().FirstOrDefault();
            names.AddRange(san?.EnumerateDnsNames() ?? []);
            addresses.AddRange(san?.EnumerateIPAddresses() ?? []);
            if (existing.NotAfter.ToUniversalTime() <= _time.GetUtcNow().UtcDateTime)
            {
                reason ??= "the old one expired";
            }
            else if (!new FederationTrust(authority).IsIssuedByAuthority(existing))
            {
                reason ??= "the old one was not issued by this CA";
            }
            else if (!File.Exists(ServerKey))
            {
                reason ??= $"{DevCertificates.ServerKeyFile} was missing";
            }
        }

        var added = new List<string>();
        foreach (var host in request.Hosts)
        {
            if (IPAddress.TryParse(host, out var address))
            {
                if (addresses.Contains(address))
                {
                    continue;
                }

                addresses.Add(address);
            }
            else
            {
                if (names.Contains(host, StringComparer.OrdinalIgnoreCase))
                {
                    continue;
                }

                names.Add(host);
            }

            added.Add(host);
        }

        if (added.Count > 0)
        {
            reason ??= $"new host names: {string.Join(", ", added)}";
        }

        var existed = File.Exists(ServerCertificate);
        if (existed && reason is null)
        {
            return new CertificateFileChange(ServerName, ServerCertificate, CertificateFileAction.Kept, ExpiryNote(ServerCertificate));
        }

        using var server = DevCertificates.IssueServerCertificate(
            authority, names.Distinct(StringComparer.OrdinalIgnoreCase), addresses.Distinct(), request.Validity, _time);
        DevCertificates.WritePem(server, ServerCertificate, ServerKey);
        return new CertificateFileChange(ServerName, ServerCertificate, existed ? CertificateFileAction.Replaced : CertificateFileAction.Created, reason);
    }

    private CertificateFileChange IssueParty(X509Certificate2 authority, string partyId, TimeSpan validity, string? note)
    {
        var files = DevCertificates.PartyFiles(Directory, partyId);
        var existed = File.Exists(files.Certificate);
        using var certificate = DevCertificates.IssuePartyCertificate(authority, partyId, validity, _time);
        DevCertificates.WritePem(certificate, files.Certificate, files.Key);
        return new CertificateFileChange($"party {partyId}", files.Certificate, existed ? CertificateFileAction.Replaced : CertificateFileAction.Created, note);
    }

    // The ids (common names) of the party certificates in the folder.
    private IEnumerable<string> ExistingParties()
    {
        foreach (var file in System.IO.Directory.EnumerateFiles(Directory, "party-*.crt.pem").Order(StringComparer.Ordinal))
        {
            using var certificate = X509CertificateLoader.LoadCertificateFromFile(file);
            if (certificate.GetNameInfo(X509NameType.SimpleName, forIssuer: false) is { Length: > 0 } name)
            {
                yield return name;
            }
        }
    }

    private static string ExpiryNote(X509Certificate2 certificate) =>
        string.Create(CultureInfo.InvariantCulture, $"valid until {certificate.NotAfter.ToUniversalTime():yyyy-MM-dd}");

    private static string ExpiryNote(string path)
    {
        using var certificate = X509CertificateLoader.LoadCertificateFromFile(path);
        return ExpiryNote(certificate);
    }
}
