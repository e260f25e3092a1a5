using System.Net;
using Causeway.Coordinator.Hosting;
using Causeway.EndToEnd.Tests.Infrastructure;
using Causeway.Party;
using Causeway.Protocol.Security;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.Extensions.DependencyInjection;

namespace Causeway.EndToEnd.Tests;

public sealed class CoordinatorHostTests
{
    [Fact]
    public async Task Build_FromPemFiles_ServesPartiesOverTls()
    {
        var directory = Path.Combine(Path.GetTempPath(), "causeway-host-" + Guid.NewGuid().ToString("N"));
        try
        {
            var files = DevCertificates.CreateDevelopmentSet(directory, "pem-federation", [], TimeSpan.FromDays(1));
            await using var app = CoordinatorHost.Build(new CoordinatorHostOptions
            {
                Endpoint = new IPEndPoint(IPAddress.Loopback, 0),
                ServerCertificate = DevCertificates.LoadPem(files.ServerCertificate, files.ServerKey),
                Configure = o =>
                {
                    o.FederationId = "pem-federation";
                    o.AddJoinToken("t0ken");
                },
            });
            await app.StartAsync().DefaultTimeout();
            var port = new Uri(app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.Single()).Port;
            using var client = new PartyClient(new PartyClientOptions
            {
                Coordinator = new Uri($"https://localhost:{port}/"),
                PartyId = "hospital-a",
                JoinToken = "t0ken",
                FederationAuthority = DevCertificates.LoadPem(files.CaCertificate),
            });

            var info = await client.JoinAsync(null, CancellationToken.None).DefaultTimeout();

            Assert.Equal("pem-federation", info.FederationId);
            await app.StopAsync().DefaultTimeout();
        }
        finally
        {
            Directory.Delete(directory, recursive: true);
        }
    }
}
