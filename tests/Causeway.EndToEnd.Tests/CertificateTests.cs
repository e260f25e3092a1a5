using Causeway.EndToEnd.Tests.Infrastructure;
using Causeway.Protocol.Security;

namespace Causeway.EndToEnd.Tests;

public sealed class CertificateTests
{
    [Fact]
    public void IsIssuedByAuthority_OwnCa_True_OtherCa_False()
    {
        using var ca = DevCertificates.CreateAuthority("fed-a", TimeSpan.FromDays(1));
        using var otherCa = DevCertificates.CreateAuthority("fed-b", TimeSpan.FromDays(1));
        using var server = DevCertificates.IssueLocalhostCertificate(ca, TimeSpan.FromDays(1));
        using var foreign = DevCertificates.IssueLocalhostCertificate(otherCa, TimeSpan.FromDays(1));
        using var party = DevCertificates.IssuePartyCertificate(ca, "hospital-a", TimeSpan.FromDays(1));
        var trust = new FederationTrust(ca);

        Assert.True(trust.IsIssuedByAuthority(server));
        Assert.True(trust.IsIssuedByAuthority(party));
        Assert.False(trust.IsIssuedByAuthority(foreign));
        Assert.False(trust.IsIssuedByAuthority(otherCa));
    }

    [Fact]
    public void CreateDevelopmentSet_WithHosts_ServerCertificateNamesThemBesidesLocalhost()
    {
        var directory = Path.Combine(Path.GetTempPath(), "causeway-certs-" + Guid.NewGuid().ToString("N"));
        try
        {
            var files = DevCertificates.CreateDevelopmentSet(directory, "fed", [], TimeSpan.FromDays(2), ["coordinator.example", "10.0.0.5"]);

            using var server = DevCertificates.LoadPem(files.ServerCertificate);
            var san = server.Extensions.OfType<System.Security.Cryptography.X509Certificates.X509SubjectAlternativeNameExtension>().Single();
            Assert.Equal(["localhost", "coordinator.example"], san.EnumerateDnsNames());
            Assert.Equal(["127.0.0.1", "::1", "10.0.0.5"], san.EnumerateIPAddresses().Select(a => a.ToString()));
            Assert.True(server.MatchesHostname("coordinator.example"));
            Assert.False(server.MatchesHostname("other.example"));
        }
        finally
        {
            Directory.Delete(directory, recursive: true);
        }
    }

    [Fact]
    public void CreateDevelopmentSet_WritesPem_ThatLoadsBackWithKeys()
    {
        var directory = Path.Combine(Path.GetTempPath(), "causeway-certs-" + Guid.NewGuid().ToString("N"));
        try
        {
            var files = DevCertificates.CreateDevelopmentSet(directory, "fed", ["hospital-a"], TimeSpan.FromDays(2));

            using var ca = DevCertificates.LoadPem(files.CaCertificate, files.CaKey);
            using var server = DevCertificates.LoadPem(files.ServerCertificate, files.ServerKey);
            using var party = DevCertificates.LoadPem(files.Parties[0].Certificate, files.Parties[0].Key);
            Assert.True(ca.HasPrivateKey);
            Assert.True(server.HasPrivateKey);
            Assert.True(new FederationTrust(ca).IsIssuedByAuthority(server));
            Assert.True(new FederationTrust(ca).IsIssuedByAuthority(party));
            Assert.Contains("hospital-a", party.Subject, StringComparison.Ordinal);
            if (!OperatingSystem.IsWindows())
            {
                Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite, File.GetUnixFileMode(files.ServerKey));
            }
        }
        finally
        {
            Directory.Delete(directory, recursive: true);
        }
    }

    [Fact]
    public async Task PartyClient_TrustingAnotherCa_RefusesTheCoordinator()
    {
        await using var server = await CoordinatorServer.StartAsync();
        using var otherCa = DevCertificates.CreateAuthority("impostor", TimeSpan.FromDays(1));
        using var client = new Causeway.Party.PartyClient(server.PartyOptions("hospital-a", authority: otherCa));

        // Refused in the TLS handshake, said as such (not as a network failure the party would retry).
        var e = await Assert.ThrowsAsync<System.Security.Authentication.AuthenticationException>(() => client.JoinAsync(null, CancellationToken.None)).DefaultTimeout();

        Assert.Contains("is not issued by the federation CA given (CN=impostor Causeway CA)", e.Message, StringComparison.Ordinal);
        Assert.IsType<HttpRequestException>(e.InnerException);
    }
}
