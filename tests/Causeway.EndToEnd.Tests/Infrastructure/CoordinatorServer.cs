using System.Net;
using System.Security.Cryptography.X509Certificates;
using Causeway.Coordinator;
using Causeway.Coordinator.Hosting;
using Causeway.Coordinator.Mailbox;
using Causeway.Coordinator.Runs;
using Causeway.Federation;
using Causeway.Party;
using Causeway.Protocol.Security;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace Causeway.EndToEnd.Tests.Infrastructure;

/// <summary>A real coordinator: Kestrel on 127.0.0.1:0 with TLS (a fresh federation CA) and HTTP/2.</summary>
public sealed class CoordinatorServer : IAsyncDisposable
{
    public const string JoinToken = "join-secret-4d1f";
    public const string AdminToken = "admin-secret-9a2c";

    private readonly WebApplication _app;

    private CoordinatorServer(WebApplication app, X509Certificate2 authority, Uri address)
    {
        _app = app;
        Authority = authority;
        Address = address;
    }

    public X509Certificate2 Authority { get; }

    /// <summary>The HTTP protocol of the last request to each path ("HTTP/2", "HTTP/1.1").</summary>
    public IReadOnlyDictionary<string, string> Protocols { get; private init; } = new Dictionary<string, string>();

    public Uri Address { get; }

    public IServiceProvider Services => _app.Services;

    public NetworkPartyChannel Channel => Services.GetRequiredService<NetworkPartyChannel>();

    internal TaskMailbox Mailbox => Services.GetRequiredService<TaskMailbox>();

    public static async Task<CoordinatorServer> StartAsync(
        Action<CoordinatorOptions>? configure = null,
        Action<IServiceCollection>? services = null,
        int port = 0,
        X509Certificate2? authority = null,
        bool requireClientCertificates = false,
        WireTap? tap = null,
        bool allowClientCertificates = false)
    {
        authority ??= DevCertificates.CreateAuthority("test-federation", TimeSpan.FromDays(1));
        var serverCertificate = DevCertificates.IssueLocalhostCertificate(authority, TimeSpan.FromDays(1));
        var builder = WebApplication.CreateSlimBuilder();
        if (Environment.GetEnvironmentVariable("CAUSEWAY_TEST_LOGS") != "1")
        {
            builder.Logging.ClearProviders();
        }
        builder.WebHost.ConfigureKestrel(k => k.ListenCauseway(
            new IPEndPoint(IPAddress.Loopback, port),
            serverCertificate,
            requireClientCertificates || allowClientCertificates ? authority : null,
            requireClientCertificates ? Microsoft.AspNetCore.Server.Kestrel.Https.ClientCertificateMode.RequireCertificate : Microsoft.AspNetCore.Server.Kestrel.Https.ClientCertificateMode.AllowCertificate));
        builder.Services.AddCauseway(o =>
        {
            o.FederationId = "test-federation";
            o.AddJoinToken(JoinToken);
            o.SetAdminToken(AdminToken);
            configure?.Invoke(o);
        });
        services?.Invoke(builder.Services);
        var app = builder.Build();
        var protocols = new System.Collections.Concurrent.ConcurrentDictionary<string, string>();
        app.Use((context, next) =>
        {
            protocols[context.Request.Path.Value ?? ""] = context.Request.Protocol;
            return next(context);
        });
        if (tap is not null)
        {
            app.Use(tap.RecordAsync);
        }

        app.MapCauseway();
        await app.StartAsync().DefaultTimeout();
        var address = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.Single();
        port = new Uri(address).Port;

        // The certificate names localhost and 127.0.0.1; use the address so no name resolution is involved.
        return new CoordinatorServer(app, authority, new Uri($"https://127.0.0.1:{port}/")) { Protocols = protocols };
    }

    public PartyClientOptions PartyOptions(string party, string? token = null, X509Certificate2? authority = null) => new()
    {
        Coordinator = Address,
        PartyId = party,
        JoinToken = token ?? JoinToken,
        FederationAuthority = authority ?? Authority,
        MinBackoff = TimeSpan.FromMilliseconds(50),
        MaxBackoff = TimeSpan.FromMilliseconds(500),
    };

    public PartyClient CreateClient(string party, string? token = null) => new(PartyOptions(party, token));

    /// <summary>Waits until the party's long poll is parked in the mailbox (so an enqueue must wake it).</summary>
    public async Task WaitUntilPollingAsync(string party)
    {
        var id = new PartyId(party);
        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(10);
        while (!Mailbox.IsWaiting(id))
        {
            if (DateTime.UtcNow > deadline)
            {
                throw new TimeoutException($"Party {party} never started polling.");
            }

            await Task.Delay(10);
        }
    }

    /// <summary>An HttpClient for the JSON API over HTTP/1.1, like curl.</summary>
    public HttpClient CreateAdminClient(string? token = AdminToken)
    {
        var trust = new FederationTrust(Authority);
        var handler = new SocketsHttpHandler();
        handler.SslOptions.RemoteCertificateValidationCallback = trust.ValidateServer;
        var client = new HttpClient(handler) { BaseAddress = Address, DefaultRequestVersion = HttpVersion.Version11 };
        if (token is not null)
        {
            client.DefaultRequestHeaders.Authorization = new System.Net.Http.Headers.AuthenticationHeaderValue("Bearer", token);
        }

        return client;
    }

    internal RunService Runs => Services.GetRequiredService<RunService>();

    public async ValueTask DisposeAsync()
    {
        await _app.StopAsync().DefaultTimeout();
        await _app.DisposeAsync();
    }
}
