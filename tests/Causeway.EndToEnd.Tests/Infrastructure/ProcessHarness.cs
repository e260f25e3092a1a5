using System.Diagnostics;
using System.Net;
using System.Net.Http.Headers;
using System.Net.Sockets;
using System.Text.Json.Nodes;
using Causeway.Cli.Composition;
using Causeway.Protocol.Security;

namespace Causeway.EndToEnd.Tests.Infrastructure;

/// <summary>Helpers for tests that run real <c>causeway</c> processes: free ports, the control API client, waiting on a condition while watching the processes.</summary>
internal static class ProcessHarness
{
    public static HttpClient ControlClient(Uri address, string adminToken, System.Security.Cryptography.X509Certificates.X509Certificate2 authority)
    {
        var handler = new SocketsHttpHandler();
        handler.SslOptions.RemoteCertificateValidationCallback = new FederationTrust(authority).ValidateServer;
        var client = new HttpClient(handler)
        {
            BaseAddress = address,
            DefaultRequestVersion = HttpVersion.Version20,
            DefaultVersionPolicy = HttpVersionPolicy.RequestVersionExact,
            Timeout = TimeSpan.FromSeconds(10),
        };
        client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", adminToken);
        return client;
    }

    /// <summary>The JSON answer, or null while the coordinator is not reachable (yet).</summary>
    public static async Task<JsonNode?> GetAsync(HttpClient api, string path)
    {
        try
        {
            using var response = await api.GetAsync(new Uri(path, UriKind.Relative));
            var body = await response.Content.ReadAsStringAsync();
            Assert.True(response.IsSuccessStatusCode, $"GET {path} answered {(int)response.StatusCode}: {body}");
            return JsonNode.Parse(body);
        }
        catch (HttpRequestException)
        {
            return null;
        }
        catch (TaskCanceledException)
        {
            return null;
        }
    }

    public static async Task WaitUntilAsync(
        string what, List<ChildProcess> processes, TimeSpan timeout, Func<Task<bool>> condition, TimeSpan? interval = null)
    {
        var clock = Stopwatch.StartNew();
        while (true)
        {
            if (processes.FirstOrDefault(p => p.HasExited) is { } exited)
            {
                Assert.Fail($"{exited.Name} exited while waiting for {what}; its log ends with:\n{exited.Tail()}");
            }

            if (await condition())
            {
                return;
            }

            if (clock.Elapsed > timeout)
            {
                Assert.Fail($"Timed out after {timeout.TotalSeconds:F0}s waiting for {what}.");
            }

            await Task.Delay(interval ?? TimeSpan.FromMilliseconds(200));
        }
    }

    public static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }
}
