using System.Net;
using System.Security.Cryptography.X509Certificates;
using Causeway.Protocol.Security;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Server.Kestrel.Core;
using Microsoft.AspNetCore.Server.Kestrel.Https;

namespace Causeway.Coordinator.Hosting;

/// <summary>Kestrel endpoint setup for a coordinator: TLS with the federation's server certificate, HTTP/1.1 and HTTP/2.</summary>
public static class CausewayKestrelExtensions
{
    /// <summary>
    /// Listens on <paramref name="endpoint"/> with TLS (<paramref name="serverCertificate"/> must hold its private
    /// key) for HTTP/2 (parties) and HTTP/1.1 (curl on the JSON API). When <paramref name="clientAuthority"/> is
    /// given, clients must present a certificate that chains to that CA (mutual TLS; with
    /// <paramref name="clientCertificateMode"/> = <see cref="ClientCertificateMode.AllowCertificate"/> a client may
    /// also connect without one). The join additionally checks that the certificate names the joining party.
    /// </summary>
    public static KestrelServerOptions ListenCauseway(
        this KestrelServerOptions kestrel,
        IPEndPoint endpoint,
        X509Certificate2 serverCertificate,
        X509Certificate2? clientAuthority = null,
        ClientCertificateMode clientCertificateMode = ClientCertificateMode.RequireCertificate)
    {
        ArgumentNullException.ThrowIfNull(kestrel);
        ArgumentNullException.ThrowIfNull(endpoint);
        ArgumentNullException.ThrowIfNull(serverCertificate);

        // Model updates are tens to hundreds of MB: larger HTTP/2 flow-control windows than Kestrel's defaults
        // (1 MB per connection, 768 KB per stream) keep a push from stalling on window updates.
        kestrel.Limits.Http2.InitialConnectionWindowSize = Math.Max(kestrel.Limits.Http2.InitialConnectionWindowSize, 8 * 1024 * 1024);
        kestrel.Limits.Http2.InitialStreamWindowSize = Math.Max(kestrel.Limits.Http2.InitialStreamWindowSize, 4 * 1024 * 1024);
        kestrel.Listen(endpoint, listen =>
        {
            listen.Protocols = HttpProtocols.Http1AndHttp2;
            listen.UseHttps(https =>
            {
                https.ServerCertificate = serverCertificate;
                if (clientAuthority is not null)
                {
                    var trust = new FederationTrust(clientAuthority);
                    https.ClientCertificateMode = clientCertificateMode;
                    https.ClientCertificateValidation = trust.ValidateClient;
                }
            });
        });
        return kestrel;
    }
}
