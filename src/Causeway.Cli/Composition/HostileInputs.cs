using System.Net;
using System.Net.Http.Headers;
using System.Security.Cryptography.X509Certificates;
using System.Text;
using Causeway.Protocol;
using Causeway.Protocol.Security;
using Google.Protobuf;
using V1 = Causeway.Protocol.V1;

namespace Causeway.Cli.Composition;

/// <summary>
/// Sends a coordinator what an attacker or a broken party would: random and mutated protobuf bodies on every protocol
/// call, bodies over the size limit, the wrong content type, tokens that are not tokens, and run configurations that
/// are not valid JSON. Every one must be refused with a 4xx status and leave the coordinator serving.
/// </summary>
/// <remarks>Seeded: the same seed sends the same inputs.</remarks>
internal sealed class HostileInputs : IDisposable
{
    private static readonly string[] Paths = [CausewayProtocol.JoinPath, CausewayProtocol.HeartbeatPath, CausewayProtocol.PullTaskPath, CausewayProtocol.PushResultPath];

    private readonly HttpClient _http;
    private readonly string _adminToken;
    private readonly Random _random;

    public HostileInputs(Uri coordinator, X509Certificate2 authority, string adminToken, int seed)
    {
        ArgumentNullException.ThrowIfNull(coordinator);
        ArgumentNullException.ThrowIfNull(authority);
        var handler = new SocketsHttpHandler();
        handler.SslOptions.RemoteCertificateValidationCallback = new FederationTrust(authority).ValidateServer;
        _http = new HttpClient(handler) { BaseAddress = coordinator, DefaultRequestVersion = HttpVersion.Version20, Timeout = TimeSpan.FromSeconds(60) };
        _adminToken = adminToken;
        _random = new Random(seed);
    }

    /// <summary>What one batch of hostile inputs got back.</summary>
    /// <param name="Sent">Inputs sent.</param>
    /// <param name="Refused">Answered with a 4xx status, as they must be.</param>
    /// <param name="Unexpected">Anything else (a 2xx, a 5xx, a dropped connection), each as "what: answer".</param>
    public sealed record Outcome(int Sent, int Refused, IReadOnlyList<string> Unexpected);

    /// <summary>Sends <paramref name="count"/> hostile inputs, cycling through the kinds.</summary>
    /// <param name="count">How many to send.</param>
    /// <param name="sessionToken">A real party session, so pushed bodies get past authentication and reach the result parser; null tries without.</param>
    /// <param name="cancellationToken">Stops the batch.</param>
    public async Task<Outcome> SendAsync(int count, string? sessionToken, CancellationToken cancellationToken)
    {
        var refused = 0;
        var unexpected = new List<string>();
        for (var i = 0; i < count; i++)
        {
            var (what, request) = Next(i, sessionToken);
            try
            {
                using (request)
                using (var response = await _http.SendAsync(request, cancellationToken).ConfigureAwait(false))
                {
                    if ((int)response.StatusCode is >= 400 and < 500)
                    {
                        refused++;
                    }
                    else
                    {
                        unexpected.Add($"{what}: {(int)response.StatusCode}");
                    }
                }
            }
            catch (HttpRequestException e)
            {
                unexpected.Add($"{what}: {e.Message}");
            }
        }

        return new Outcome(count, refused, unexpected);
    }

    public void Dispose() => _http.Dispose();

    private (string What, HttpRequestMessage Request) Next(int index, string? sessionToken)
    {
        var path = Paths[index % Paths.Length];
        switch (index % 6)
        {
            case 0:
                return ($"{path}: random bytes", Protobuf(path, RandomBytes(_random.Next(1, 4096)), sessionToken));
            case 1:
                {
                    // A real message with bytes flipped: lengths and tags point anywhere.
                    var bytes = ValidBody(path);
                    for (var flips = _random.Next(1, 8); flips > 0; flips--)
                    {
                        bytes[_random.Next(bytes.Length)] ^= (byte)(1 << _random.Next(8));
                    }

                    return ($"{path}: mutated message", Protobuf(path, bytes, sessionToken));
                }

            case 2:
                {
                    var bytes = ValidBody(path);
                    return ($"{path}: truncated message", Protobuf(path, bytes[..Math.Max(1, _random.Next(bytes.Length))], sessionToken));
                }

            case 3:
                {
                    // A length prefix that promises far more than the body holds.
                    byte[] bytes = [0x22, 0xFF, 0xFF, 0xFF, 0xFF, 0x0F, .. RandomBytes(16)];
                    return ($"{path}: huge length prefix", Protobuf(path, bytes, sessionToken));
                }

            case 4:
                {
                    var request = Protobuf(path, Encoding.UTF8.GetBytes("{\"not\": \"protobuf\"}"), sessionToken);
                    request.Content!.Headers.ContentType = new MediaTypeHeaderValue("application/json");
                    return ($"{path}: wrong content type", request);
                }

            default:
                {
                    string[] configs = ["{", "[1, 2, 3]", "{\"rounds\": \"many\"}", "{\"model\": {\"type\": \"transformer\"}}", "{\"rounds\": -3}", "\u0000\u0001"];
                    var request = new HttpRequestMessage(HttpMethod.Post, "/api/runs")
                    {
                        Content = new StringContent(configs[_random.Next(configs.Length)], Encoding.UTF8, "application/json"),
                        Version = HttpVersion.Version20,
                    };
                    request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", _adminToken);
                    return ("/api/runs: invalid configuration", request);
                }
        }
    }

    private byte[] ValidBody(string path) => path switch
    {
        CausewayProtocol.JoinPath => new V1.JoinRequest { PartyId = "intruder", JoinToken = "not-the-token", ClientVersion = "fuzz" }.ToByteArray(),
        CausewayProtocol.HeartbeatPath => new V1.HeartbeatRequest { CurrentTaskId = "no-such-task" }.ToByteArray(),
        CausewayProtocol.PullTaskPath => new V1.PullTaskRequest { SetupDigest = ByteString.CopyFrom(RandomBytes(32)) }.ToByteArray(),
        _ => new V1.PushResultRequest
        {
            TaskId = "no-such-task",
            RunId = "no-such-run",
            Round = 1,
            Train = new V1.TrainResult { Examples = 3, Delta = new V1.ParameterSet { Tensors = { new V1.Tensor { Name = "w", Shape = { 4 }, Data = ByteString.CopyFrom(RandomBytes(16)) } } } },
        }.ToByteArray(),
    };

    private static HttpRequestMessage Protobuf(string path, byte[] body, string? sessionToken)
    {
        var content = new ByteArrayContent(body);
        content.Headers.ContentType = new MediaTypeHeaderValue(CausewayProtocol.ContentType);
        var request = new HttpRequestMessage(HttpMethod.Post, path) { Content = content, Version = HttpVersion.Version20 };
        // Only a push gets the session: its body reaches the result parser. A heartbeat or a pull whose random body
        // happens to parse would be a valid call (and a pull would wait for a task), so those go without and get 401.
        if (sessionToken is not null && path == CausewayProtocol.PushResultPath)
        {
            request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", sessionToken);
        }

        return request;
    }

    private byte[] RandomBytes(int count)
    {
        var bytes = new byte[count];
        _random.NextBytes(bytes);
        return bytes;
    }
}
