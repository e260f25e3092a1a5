using System.Net;
using System.Security.Cryptography.X509Certificates;
using Causeway.Coordinator.Storage;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace Causeway.Coordinator.Hosting;

/// <summary>Builds a ready-to-run coordinator web application (the composition the <c>causeway coordinator</c> command uses).</summary>
public static class CoordinatorHost
{
    /// <summary>A Kestrel host on <see cref="CoordinatorHostOptions.Endpoint"/> serving the protocol and the control API; call <c>RunAsync</c>.</summary>
    public static WebApplication Build(CoordinatorHostOptions options, string[]? args = null)
    {
        ArgumentNullException.ThrowIfNull(options);
        var certificate = options.ServerCertificate
            ?? throw new ArgumentException("A server certificate is required.", nameof(options));
        var builder = WebApplication.CreateSlimBuilder(args ?? []);
        builder.WebHost.ConfigureKestrel(k => k.ListenCauseway(options.Endpoint, certificate, options.ClientAuthority));

        // One line per request (every long poll) drowns the coordinator's own log; configuration can still lower it.
        builder.Logging.AddFilter("Microsoft.AspNetCore", LogLevel.Warning);
        if (options.RunStore is { } store)
        {
            builder.Services.AddSingleton(store);
        }

        builder.Services.AddCauseway(options.Configure);
        var app = builder.Build();
        app.MapCauseway();
        return app;
    }
}
