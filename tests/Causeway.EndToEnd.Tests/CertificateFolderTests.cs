using System.Security.Cryptography.X509Certificates;
using Causeway.Protocol.Security;

namespace Causeway.EndToEnd.Tests;

/// <summary>
/// A federation's certificate folder keeps its CA: every certificate issued later chains to the ca.crt.pem parties
/// already hold, until the CA is replaced on purpose.
/// </summary>
public sealed class CertificateFolderTests : IDisposable
{
    private readonly string _root = Directory.CreateTempSubdirectory("causeway-certificate-folder-test-").FullName;

    [Fact]
    public void Prepare_Again_KeepsTheCaAndTheServerCertificate()
    {
        var folder = new CertificateFolder(_root);
        folder.Prepare(new CertificateSetRequest());
        var ca = File.ReadAllBytes(folder.CaCertificate);
        var server = File.ReadAllBytes(folder.ServerCertificate);

        var again = folder.Prepare(new CertificateSetRequest { Parties = ["hospital-a"] });

        Assert.Null(again.Error);
        Assert.Equal(
            [CertificateFileAction.Kept, CertificateFileAction.Kept, CertificateFileAction.Created],
            again.Changes.Select(c => c.Action));
        Assert.Equal(ca, File.ReadAllBytes(folder.CaCertificate));
        Assert.Equal(server, File.ReadAllBytes(folder.ServerCertificate));
    }

    [Fact]
    public void AddParty_IssuesFromTheCaPartiesAlreadyHold()
    {
        var folder = new CertificateFolder(_root);
        folder.Prepare(new CertificateSetRequest { Parties = ["hospital-a"] });
        using var handedOut = X509CertificateLoader.LoadCertificateFromFile(folder.CaCertificate);

        var result = folder.AddParty("hospital-b", TimeSpan.FromDays(30));

        Assert.Null(result.Error);
        var files = DevCertificates.PartyFiles(folder.Directory, "hospital-b");
        Assert.Equal(new CertificateFileChange("party hospital-b", files.Certificate, CertificateFileAction.Created), result.Changes[1]);
        using var issued = DevCertificates.LoadPem(files.Certificate, files.Key);
        using var server = X509CertificateLoader.LoadCertificateFromFile(folder.ServerCertificate);
        using var first = X509CertificateLoader.LoadCertificateFromFile(DevCertificates.PartyFiles(folder.Directory, "hospital-a").Certificate);
        var trust = new FederationTrust(handedOut);
        Assert.True(trust.IsIssuedByAuthority(issued));
        Assert.True(trust.IsIssuedByAuthority(server));
        Assert.True(trust.IsIssuedByAuthority(first));
        Assert.Equal("hospital-b", issued.GetNameInfo(X509NameType.SimpleName, forIssuer: false));
    }

    [Fact]
    public void Prepare_NewHost_IssuesTheServerCertificateAgainKeepingItsNames()
    {
        var folder = new CertificateFolder(_root);
        folder.Prepare(new CertificateSetRequest { Hosts = ["coordinator.example"] });

        var result = folder.Prepare(new CertificateSetRequest { Hosts = ["10.0.0.5"] });

        Assert.Equal(new CertificateFileChange("server certificate", folder.ServerCertificate, CertificateFileAction.Replaced, "new host names: 10.0.0.5"), result.Changes[1]);
        using var server = X509CertificateLoader.LoadCertificateFromFile(folder.ServerCertificate);
        var san = server.Extensions.OfType<X509SubjectAlternativeNameExtension>().Single();
        Assert.Equal(["localhost", "coordinator.example"], san.EnumerateDnsNames());
        Assert.Equal(["127.0.0.1", "::1", "10.0.0.5"], san.EnumerateIPAddresses().Select(a => a.ToString()));
    }

    [Fact]
    public void Prepare_ReplaceAuthority_MakesANewCaAndIssuesTheFoldersCertificatesAgain()
    {
        var folder = new CertificateFolder(_root);
        folder.Prepare(new CertificateSetRequest { Parties = ["hospital-a"] });
        using var old = X509CertificateLoader.LoadCertificateFromFile(folder.CaCertificate);

        var result = folder.Prepare(new CertificateSetRequest { ReplaceAuthority = true });

        Assert.True(result.ReplacedAuthority);
        Assert.Equal(
            [("federation CA", CertificateFileAction.Replaced), ("server certificate", CertificateFileAction.Replaced), ("party hospital-a", CertificateFileAction.Replaced)],
            result.Changes.Select(c => (c.What, c.Action)));
        using var replaced = X509CertificateLoader.LoadCertificateFromFile(folder.CaCertificate);
        using var party = X509CertificateLoader.LoadCertificateFromFile(DevCertificates.PartyFiles(folder.Directory, "hospital-a").Certificate);
        Assert.NotEqual(old.Thumbprint, replaced.Thumbprint);
        Assert.True(new FederationTrust(replaced).IsIssuedByAuthority(party));
        Assert.False(new FederationTrust(old).IsIssuedByAuthority(party));
    }

    [Fact]
    public void AddParty_NoCa_IsAnErrorAndWritesNothing()
    {
        var folder = new CertificateFolder(Path.Combine(_root, "empty"));

        var result = folder.AddParty("hospital-a", TimeSpan.FromDays(30));

        Assert.Equal($"{folder.Directory} holds no federation CA (ca.crt.pem and ca.key.pem)", result.Error);
        Assert.Empty(result.Changes);
        Assert.False(Directory.Exists(folder.Directory));
    }

    [Fact]
    public void Prepare_CaWithoutItsKey_IsAnErrorAndKeepsTheCertificate()
    {
        var folder = new CertificateFolder(_root);
        folder.Prepare(new CertificateSetRequest());
        File.Delete(folder.CaKey);
        var ca = File.ReadAllBytes(folder.CaCertificate);

        var result = folder.Prepare(new CertificateSetRequest { Parties = ["hospital-a"] });

        Assert.Equal($"{folder.Directory} holds only half of the federation CA (ca.key.pem is missing), so no certificate can be issued from it", result.Error);
        Assert.Equal(ca, File.ReadAllBytes(folder.CaCertificate));
        Assert.False(File.Exists(DevCertificates.PartyFiles(folder.Directory, "hospital-a").Certificate));
    }

    public void Dispose()
    {
        try
        {
            Directory.Delete(_root, recursive: true);
        }
        catch (IOException)
        {
        }
    }
}
