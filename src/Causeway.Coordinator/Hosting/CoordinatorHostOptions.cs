using System.Net;
using System.Security.Cryptography.X509Certificates;
using Causeway.Coordinator.Storage;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.Extensions.DependencyInjection;

namespace Causeway.Coordinator.Hosting;

/// <summary>What <see cref="CoordinatorHost.Build"/> needs: where to listen, the TLS identity, and the federation's settings.</summary>
public sealed class CoordinatorHostOptions
{
    /// <summary>The address and port to listen on. Default 127.0.0.1:7443.</summary>
    public IPEndPoint Endpoint { get; set; } = new(IPAddress.Loopback, 7443);

    /// <summary>The server certificate with its private key (e.g. <c>DevCertificates.LoadPem(cert, key)</c>). Required.</summary>
    public X509Certificate2? ServerCertificate { get; set; }

    /// <summary>When set, parties must present client certificates that chain to this CA and name the party (mutual TLS).</summary>
    public X509Certificate2? ClientAuthority { get; set; }

    /// <summary>Sets join tokens, the admin token, limits and timeouts.</summary>
    public Action<CoordinatorOptions>? Configure { get; set; }

    /// <summary>Persists runs, rounds and checkpoints, and enables resume; null keeps runs in memory only (an <see cref="InMemoryRunStore"/>).</summary>
    public IRunStore? RunStore { get; set; }
}
