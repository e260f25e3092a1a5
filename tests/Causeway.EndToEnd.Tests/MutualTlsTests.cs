using System.Net;
using Causeway.EndToEnd.Tests.Infrastructure;
using Causeway.Party;
using Causeway.Protocol.Security;

namespace Causeway.EndToEnd.Tests;

public sealed class MutualTlsTests
{
    [Fact]
    public async Task Join_WithPartyCertificateFromTheFederationCa_Succeeds()
    {
        using var authority = DevCertificates.CreateAuthority("test-federation", TimeSpan.FromDays(1));
        await using var server = await CoordinatorServer.StartAsync(authority: authority, requireClientCertificates: true);
        using var certificate = DevCertificates.IssuePartyCertificate(authority, "hospital-a", TimeSpan.FromDays(1));
        var options = server.PartyOptions("hospital-a");
        options.ClientCertificate = certificate;
        using var client = new PartyClient(options);

        var info = await client.JoinAsync(null, CancellationToken.None).DefaultTimeout();

        Assert.Equal("test-federation", info.FederationId);
    }

    [Fact]
    public async Task Join_WithAnotherPartysCertificate_Is403()
    {
        using var authority = DevCertificates.CreateAuthority("test-federation", TimeSpan.FromDays(1));
        await using var server = await CoordinatorServer.StartAsync(authority: authority, requireClientCertificates: true);
        using var certificate = DevCertificates.IssuePartyCertificate(authority, "hospital-b", TimeSpan.FromDays(1));
        var options = server.PartyOptions("hospital-a");
        options.ClientCertificate = certificate;
        using var client = new PartyClient(options);

        var e = await Assert.ThrowsAsync<CoordinatorException>(() => client.JoinAsync(null, CancellationToken.None)).DefaultTimeout();

        Assert.Equal(HttpStatusCode.Forbidden, e.Status);
    }

    [Fact]
    public async Task Join_WithoutCertificate_FailsTheHandshake()
    {
        using var authority = DevCertificates.CreateAuthority("test-federation", TimeSpan.FromDays(1));
        await using var server = await CoordinatorServer.StartAsync(authority: authority, requireClientCertificates: true);
        using var client = new PartyClient(server.PartyOptions("hospital-a"));

        await Assert.ThrowsAsync<HttpRequestException>(() => client.JoinAsync(null, CancellationToken.None)).DefaultTimeout();
    }

    [Fact]
    public async Task Join_WithCertificateFromAnotherCa_FailsTheHandshake()
    {
        using var authority = DevCertificates.CreateAuthority("test-federation", TimeSpan.FromDays(1));
        using var impostor = DevCertificates.CreateAuthority("impostor", TimeSpan.FromDays(1));
        await using var server = await CoordinatorServer.StartAsync(authority: authority, requireClientCertificates: true);
        using var certificate = DevCertificates.IssuePartyCertificate(impostor, "hospital-a", TimeSpan.FromDays(1));
        var options = server.PartyOptions("hospital-a");
        options.ClientCertificate = certificate;
        using var client = new PartyClient(options);

        await Assert.ThrowsAsync<HttpRequestException>(() => client.JoinAsync(null, CancellationToken.None)).DefaultTimeout();
    }
}
