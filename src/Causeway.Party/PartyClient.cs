using System.Security.Cryptography.X509Certificates;
using System.Security.Cryptography;
using System.Net;
using System.Net.Http.Headers;
using System.Net.Security;
using System.Security.Authentication;
using Causeway.Core.Metrics;
using Causeway.Core.Models;
using Causeway.Federation;
using Causeway.Federation.Horizontal;
using Causeway.Federation.Recommendation.Network;
using Causeway.Federation.Horizontal.Protection;
using Causeway.Federation.Vectors;
using Causeway.Protocol;
using Causeway.Protocol.Security;
using Causeway.Protocol.Wire;
using Google.Protobuf;
using V1 = Causeway.Protocol.V1;

namespace Causeway.Party;

/// <summary>
/// The party side of the v1 protocol: protobuf over HTTP/2 POST to the coordinator, TLS trusting the federation CA.
/// </summary>
/// <remarks>
/// One client per party; thread-safe once joined (heartbeats run beside the long poll on the same HTTP/2
/// connection pool). Refusals throw <see cref="CoordinatorException"/> (a call after the coordinator ended the session is
/// one: 401 without a round trip); a coordinator whose TLS certificate is not trusted throws
/// <see cref="AuthenticationException"/> saying why; network failures throw <see cref="HttpRequestException"/> or
/// <see cref="IOException"/>, and a call the coordinator did not answer in time <see cref="TimeoutException"/>. After any
/// of these last three the client moves to the next coordinator address (<see cref="PartyClientOptions.FailoverCoordinators"/>),
/// so the caller's next join goes there.
/// </remarks>
public sealed class PartyClient : IDisposable
{
    private readonly PartyClientOptions _options;
    private readonly HttpClient _http;
    private readonly CoordinatorCertificateCheck _certificateCheck;

    // The coordinator's addresses in the order given, and the index of the one in use.
    private readonly Uri[] _coordinators;
    private int _current;

    private volatile string? _session;

    // Set when the coordinator refused the session (401). The token is kept: later calls are refused the same way (and
    // say why) until the party joins again, instead of failing here as if the party had never joined.
    private volatile bool _sessionEnded;
    private TimeSpan _longPollTimeout = TimeSpan.FromSeconds(25);

    // The last run setup received and its digest: sent back with every pull so tasks of the same run leave it out.
    private (ByteString Digest, RunSetups Setup)? _setup;

    // The client certificate's ECDSA key, loaded when an authenticated secure aggregation first needs it.
    private readonly Lazy<ECDsa?> _signingKey;
    private readonly Lazy<SecureAggregationCredentials?> _credentials;

    public PartyClient(PartyClientOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        options.Validate();
        _options = options;
        _signingKey = new(() => options.ClientCertificate?.GetECDsaPrivateKey());
        _credentials = new(() =>
        {
            if (options.ClientCertificate?.GetECDsaPublicKey() is not { } publicKey || options.FederationAuthority is not { } authority)
            {
                return null;
            }

            publicKey.Dispose();
            var trust = new FederationTrust(authority);
            return new SecureAggregationCredentials(
                () => _signingKey.Value ?? throw new InvalidOperationException("the client certificate carries no ECDSA private key"),
                (party, certificate) => trust.PublicKeyOf(party.Value, certificate));
        });
        var handler = new SocketsHttpHandler
        {
            EnableMultipleHttp2Connections = true,
            PooledConnectionIdleTimeout = TimeSpan.FromMinutes(2),
            KeepAlivePingDelay = TimeSpan.FromSeconds(20),
            KeepAlivePingTimeout = TimeSpan.FromSeconds(20),
            ConnectTimeout = TimeSpan.FromSeconds(15),
        };
        _certificateCheck = new CoordinatorCertificateCheck(options.FederationAuthority);
        handler.SslOptions.RemoteCertificateValidationCallback = _certificateCheck.Validate;

        if (options.ClientCertificate is not null)
        {
            handler.SslOptions.ClientCertificates = [options.ClientCertificate];
        }

        _coordinators = [.. new[] { options.Coordinator! }.Concat(options.FailoverCoordinators).Distinct()];
        _http = new HttpClient(handler, disposeHandler: true)
        {
            DefaultRequestVersion = HttpVersion.Version20,
            DefaultVersionPolicy = HttpVersionPolicy.RequestVersionExact,

            // Per-call deadlines come from linked cancellation tokens (the long poll needs a longer one).
            Timeout = Timeout.InfiniteTimeSpan,
        };
    }

    public PartyId Party => new(_options.PartyId);

    /// <summary>
    /// This party's identity for authenticated secure aggregation: its client certificate's ECDSA key, and trust in other
    /// parties' certificates through the federation CA. Null without an ECDSA client certificate and a federation CA.
    /// </summary>
    public SecureAggregationCredentials? Credentials => _credentials.Value;

    /// <summary>The coordinator address the next call goes to.</summary>
    public Uri Coordinator => _coordinators[Volatile.Read(ref _current)];

    /// <summary>True after a successful <see cref="JoinAsync(DataDescription?, CancellationToken)"/> until the coordinator rejects the session.</summary>
    public bool IsJoined => _session is not null && !_sessionEnded;

    /// <summary>Joins the federation with the join token and keeps the session token for later calls.</summary>
    /// <param name="data">What to tell the coordinator about the party's training data (never rows), or null.</param>
    /// <param name="cancellationToken">Cancels the call.</param>
    /// <remarks>A live session of the same party id (this process's earlier one, or another process's) is replaced.</remarks>
    public Task<JoinInfo> JoinAsync(DataDescription? data, CancellationToken cancellationToken) => JoinAsync(data, standby: false, cancellationToken);

    /// <summary>Joins the federation, or with <paramref name="standby"/> only when the party id has no live session.</summary>
    /// <param name="data">What to tell the coordinator about the party's training data (never rows), or null.</param>
    /// <param name="standby">
    /// Take the id back only when it is free: a live session of the id (another process's) makes the join fail with
    /// <see cref="CoordinatorException.PartyIdInUse"/> instead of replacing it.
    /// </param>
    /// <param name="cancellationToken">Cancels the call.</param>
    public async Task<JoinInfo> JoinAsync(DataDescription? data, bool standby, CancellationToken cancellationToken)
    {
        var request = new V1.JoinRequest { PartyId = _options.PartyId, JoinToken = _options.JoinToken, ClientVersion = _options.ClientVersion, Standby = standby };
        if (data is not null)
        {
            request.Data = ContractMapping.ToProto(data);
        }

        var response = await CallAsync(CausewayProtocol.JoinPath, request, V1.JoinResponse.Parser, _options.RequestTimeout, authenticated: false, cancellationToken)
            .ConfigureAwait(false);
        _session = response.SessionToken;
        _sessionEnded = false;
        _longPollTimeout = TimeSpan.FromMilliseconds(response.LongPollTimeoutMs);
        return new JoinInfo(response.FederationId, TimeSpan.FromMilliseconds(response.HeartbeatIntervalMs), _longPollTimeout, response.MaxMessageBytes);
    }

    public async Task HeartbeatAsync(string? currentTaskId, CancellationToken cancellationToken) =>
        await CallAsync(CausewayProtocol.HeartbeatPath, new V1.HeartbeatRequest { CurrentTaskId = currentTaskId ?? "" }, V1.HeartbeatResponse.Parser,
            _options.RequestTimeout, authenticated: true, cancellationToken).ConfigureAwait(false);

    /// <summary>
    /// A federated vector query with this party as the querier: the coordinator fans it out to every connected party
    /// (this one too) and answers with the merged top-k and each party's status.
    /// </summary>
    /// <exception cref="CoordinatorException">The coordinator refused the query (400 malformed, 409 no party connected).</exception>
    public async Task<FederatedSearchResult> SearchAsync(VectorQuery query, double deadlineSeconds, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(query);
        var response = await CallAsync(
            CausewayProtocol.SearchPath, ProtocolMapping.ToSearchRequest(query, deadlineSeconds), V1.SearchResponse.Parser,
            _options.RequestTimeout + TimeSpan.FromSeconds(deadlineSeconds), authenticated: true, cancellationToken).ConfigureAwait(false);
        return ProtocolMapping.FromProto(response, query.Collection, query.K);
    }

    /// <summary>Long-polls for the next task; returns null when the coordinator's poll timeout passed with none.</summary>
    /// <exception cref="Protocol.MalformedMessageException">The coordinator sent an invalid task.</exception>
    public async Task<ReceivedTask?> PullTaskAsync(CancellationToken cancellationToken)
    {
        // Parsed as views into the body, so decoding the model copies it once (not twice, as the generated parser would).
        var body = await SendAsync(CausewayProtocol.PullTaskPath, NewPull(), _longPollTimeout + _options.LongPollGrace,
            authenticated: true, taskId: null, cancellationToken).ConfigureAwait(false);
        var frame = PullTaskFrame.Parse(body);
        return frame.HasTask ? Convert(frame, SetupOf(frame)) : null;
    }

    /// <summary>Pushes a train task's reply: the update, or the failure the handler reported.</summary>
    /// <param name="task">The task answered.</param>
    /// <param name="reply">The handler's update or failure.</param>
    /// <param name="thenPull">Wait for the next task in the same call (see <see cref="PushAsync"/>).</param>
    /// <param name="cancellationToken">Cancels the call.</param>
    /// <returns>The next task when <paramref name="thenPull"/> is set and one came; null otherwise.</returns>
    public Task<ReceivedTask?> PushTrainResultAsync(ReceivedTask task, PartyReply reply, bool thenPull, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(task);
        ArgumentNullException.ThrowIfNull(reply);
        var request = NewResult(task);
        if (reply.Update is { } update)
        {
            // Frozen and personal layers are not sent: the delta holds the shared layers only (LayerSharing).
            var sent = task.Train is { } train && LayerSharing.Of(update.Delta.Layout, train.Plan) is { } sharing ? sharing.Share(update.Delta) : update.Delta;
            request.Train = new V1.TrainResult { Delta = ParameterSetCodec.ToProto(sent), Examples = update.Examples, TrainLoss = update.TrainLoss, TrainSeconds = update.TrainSeconds };
            if (update.WithinClip is { } withinClip)
            {
                request.Train.WithinClip = withinClip;
            }
        }
        else if (reply.Protected is { } protectedUpdate)
        {
            request.Train = new V1.TrainResult
            {
                ProtectedUpdate = ProtocolMapping.ToProto(protectedUpdate.Payload),
                Examples = protectedUpdate.Examples,
                TrainLoss = protectedUpdate.TrainLoss,
                TrainSeconds = protectedUpdate.TrainSeconds,
            };
        }
        else
        {
            request.Failure = new V1.FailureReport { Reason = reply.Failure!.Reason };
        }

        return PushAsync(request, thenPull, cancellationToken);
    }

    /// <summary>Pushes a protocol step's answer, or the reason the party could not take the step.</summary>
    /// <returns>The next task when <paramref name="thenPull"/> is set and one came; null otherwise.</returns>
    public Task<ReceivedTask?> PushStepReplyAsync(ReceivedTask task, ProtocolStepReply reply, bool thenPull, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(task);
        ArgumentNullException.ThrowIfNull(reply);
        var request = NewResult(task);
        if (reply.Reply is { } message)
        {
            request.StepReply = ProtocolMapping.ToProto(message);
        }
        else
        {
            request.Failure = new V1.FailureReport { Reason = reply.Failure! };
        }

        return PushAsync(request, thenPull, cancellationToken);
    }

    /// <summary>Pushes an evaluation task's result; null means "no evaluation data".</summary>
    /// <returns>The next task when <paramref name="thenPull"/> is set and one came; null otherwise.</returns>
    public Task<ReceivedTask?> PushEvaluationAsync(ReceivedTask task, Evaluation? evaluation, bool thenPull, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(task);
        var request = NewResult(task);
        request.Evaluation = evaluation is null ? new V1.EvaluationResult() : ContractMapping.ToProto(evaluation);
        return PushAsync(request, thenPull, cancellationToken);
    }

    /// <summary>Reports that the party could not do the task.</summary>
    /// <returns>The next task when <paramref name="thenPull"/> is set and one came; null otherwise.</returns>
    public Task<ReceivedTask?> PushFailureAsync(ReceivedTask task, string reason, bool thenPull, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(task);
        var request = NewResult(task);
        request.Failure = new V1.FailureReport { Reason = reason };
        return PushAsync(request, thenPull, cancellationToken);
    }

    /// <summary>
    /// Sends a result message. With <paramref name="thenPull"/> the call goes on as a long poll once the coordinator has
    /// accepted the result (<c>then_pull</c>), so a party makes one call per task instead of a push and a pull.
    /// </summary>
    /// <returns>The next task when <paramref name="thenPull"/> is set and one came within the long-poll timeout; null otherwise.</returns>
    /// <exception cref="CoordinatorException">The result was refused (then no task was waited for).</exception>
    /// <exception cref="Protocol.MalformedMessageException">The coordinator sent an invalid next task.</exception>
    public async Task<ReceivedTask?> PushAsync(V1.PushResultRequest request, bool thenPull, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(request);
        if (!thenPull)
        {
            await SendAsync(CausewayProtocol.PushResultPath, request, _options.RequestTimeout, authenticated: true, request.TaskId, cancellationToken)
                .ConfigureAwait(false);
            return null;
        }

        request.ThenPull = NewPull();
        var body = await SendAsync(CausewayProtocol.PushResultPath, request, _options.RequestTimeout + _longPollTimeout + _options.LongPollGrace,
            authenticated: true, request.TaskId, cancellationToken).ConfigureAwait(false);
        var frame = PullTaskFrame.Parse(body, V1.PushResultResponse.NextTaskFieldNumber);
        return frame.HasTask ? Convert(frame, SetupOf(frame)) : null;
    }

    /// <summary>Posts raw bytes to a protocol path and returns the status and body (for tests of malformed input).</summary>
    public Task<(HttpStatusCode Status, byte[] Body)> PostRawAsync(string path, HttpContent content, CancellationToken cancellationToken) =>
        PostRawAsync(path, content, taskId: null, cancellationToken);

    /// <summary>Posts raw bytes with a <see cref="CausewayProtocol.TaskIdHeader"/> (for tests of the streamed path).</summary>
    public async Task<(HttpStatusCode Status, byte[] Body)> PostRawAsync(string path, HttpContent content, string? taskId, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(content);
        using var message = NewRequest(new Uri(Coordinator, path), content);
        if (taskId is not null)
        {
            message.Headers.Add(CausewayProtocol.TaskIdHeader, taskId);
        }

        if (_session is { } session)
        {
            message.Headers.Authorization = new AuthenticationHeaderValue("Bearer", session);
        }

        using var response = await _http.SendAsync(message, cancellationToken).ConfigureAwait(false);
        return (response.StatusCode, await response.Content.ReadAsByteArrayAsync(cancellationToken).ConfigureAwait(false));
    }

    public void Dispose()
    {
        _http.Dispose();
        if (_signingKey.IsValueCreated)
        {
            _signingKey.Value?.Dispose();
        }
    }

    // Names the setup this party holds, so tasks of the same run leave it out.
    private V1.PullTaskRequest NewPull() => new() { SetupDigest = _setup?.Digest ?? ByteString.Empty };

    // The setup a task carries (parsed once, then kept by its digest), or the one this party holds when the task names it.
    private RunSetups? SetupOf(PullTaskFrame task)
    {
        if (task.Setup is { } wire)
        {
            var setup = ContractMapping.RecommendationFromProto(wire) is { } recommendation
                ? new RunSetups(null, recommendation)
                : new RunSetups(ContractMapping.FromProto(wire), null);
            _setup = task.SetupDigest.IsEmpty ? null : (task.SetupDigest, setup);
            return setup;
        }

        if (task.SetupDigest.IsEmpty)
        {
            return null;
        }

        return _setup is { } held && held.Digest.Equals(task.SetupDigest)
            ? held.Setup
            : throw new MalformedMessageException("The task names a run setup by a digest this party does not hold, and does not carry it.");
    }

    private static ReceivedTask Convert(PullTaskFrame task, RunSetups? setups) =>
        ConvertWork(task, setups) with { Report = task.EvaluationReport is { } report ? ProtocolMapping.FromProto(report) : null };

    private static ReceivedTask ConvertWork(PullTaskFrame task, RunSetups? setups)
    {
        var (setup, recommendation) = (setups?.Horizontal, setups?.Recommendation);
        var round = new RoundInfo(task.RunId, task.Round, task.TotalRounds);
        var protection = task.Protection is { } message ? ProtocolMapping.FromProto(message) : null;
        if (task.Kind == V1.TaskKind.ProtocolStep)
        {
            var step = new ProtocolStep(round, protection ?? throw new MalformedMessageException("A protocol step task carries no step."));
            return new ReceivedTask(task.TaskId, null, null, null, step);
        }

        var global = ParameterSetCodec.Decode(task.Global);
        return task.Kind switch
        {
            V1.TaskKind.Train => new ReceivedTask(task.TaskId,
                new TrainTask(
                    round,
                    global,
                    ContractMapping.FromProto(task.Plan ?? throw new MalformedMessageException("A train task has no plan.")),
                    task.Seed,
                    task.Privacy is { } privacy ? ContractMapping.FromProto(privacy) : null)
                {
                    Protection = protection,
                },
                null,
                setup,
                Recommendation: recommendation),
            V1.TaskKind.Evaluate => new ReceivedTask(task.TaskId, null, new EvaluateTask(round, global, task.SecureScores), setup, Recommendation: recommendation),
            _ => throw new MalformedMessageException($"Unknown task kind {(int)task.Kind}."),
        };
    }

    // A run's setup as received: a horizontal run's or a recommendation run's.
    private sealed record RunSetups(RunSetup? Horizontal, RecommendationSetup? Recommendation);

    // HttpClient's default version applies only to its convenience methods, so every message states HTTP/2 itself.
    private static HttpRequestMessage NewRequest(Uri address, HttpContent content) => new(HttpMethod.Post, address)
    {
        Content = content,
        Version = HttpVersion.Version20,
        VersionPolicy = HttpVersionPolicy.RequestVersionExact,
    };

    private static V1.PushResultRequest NewResult(ReceivedTask task) =>
        new() { TaskId = task.TaskId, RunId = task.Round.RunId, Round = task.Round.Round };

    private async Task<TResponse> CallAsync<TResponse>(
        string path, IMessage request, MessageParser<TResponse> parser, TimeSpan timeout, bool authenticated, CancellationToken cancellationToken)
        where TResponse : IMessage<TResponse>
    {
        var body = await SendAsync(path, request, timeout, authenticated, taskId: null, cancellationToken).ConfigureAwait(false);
        try
        {
            return MessageParsing.Parse(parser, body);
        }
        catch (MalformedMessageException e)
        {
            throw new MalformedMessageException($"The coordinator's answer to {path} is not a valid message: {e.Message}", e);
        }
    }

    // Posts a message and returns the body of a 2xx answer; throws CoordinatorException for any other status.
    private async Task<byte[]> SendAsync(
        string path, IMessage request, TimeSpan timeout, bool authenticated, string? taskId, CancellationToken cancellationToken)
    {
        using var deadline = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        deadline.CancelAfter(timeout);
        var content = new ByteArrayContent(request.ToByteArray());
        content.Headers.ContentType = new MediaTypeHeaderValue(CausewayProtocol.ContentType);
        var coordinator = Volatile.Read(ref _current);
        using var message = NewRequest(new Uri(_coordinators[coordinator], path), content);
        if (taskId is not null)
        {
            message.Headers.Add(CausewayProtocol.TaskIdHeader, taskId);
        }

        if (authenticated)
        {
            // No session: never joined, or a call beside this one (a heartbeat) was told the session is gone. Either way
            // the answer is the coordinator's own: join (again).
            var session = _session ?? throw new CoordinatorException(HttpStatusCode.Unauthorized, "no session; join the federation (again)");
            message.Headers.Authorization = new AuthenticationHeaderValue("Bearer", session);
        }

        HttpResponseMessage response;
        byte[] body;
        try
        {
            response = await _http.SendAsync(message, HttpCompletionOption.ResponseHeadersRead, deadline.Token).ConfigureAwait(false);
            try
            {
                body = await ReadBodyAsync(response.Content, deadline.Token).ConfigureAwait(false);
            }
            catch
            {
                response.Dispose();
                throw;
            }
        }
        catch (OperationCanceledException e) when (!cancellationToken.IsCancellationRequested)
        {
            FailOver(coordinator);
            throw new TimeoutException($"{path} did not answer within {timeout.TotalSeconds:F0} s.", e);
        }
        catch (HttpRequestException e) when (e.HttpRequestError == HttpRequestError.SecureConnectionError && _certificateCheck.LastRefusal is { } refusal)
        {
            // Not a coordinator down but one this party must not talk to: no failover, the caller stops.
            throw new AuthenticationException($"The coordinator at {_coordinators[coordinator]} is not trusted: {refusal}.", e);
        }
        catch (Exception e) when (e is HttpRequestException or IOException)
        {
            FailOver(coordinator);
            throw;
        }

        using (response)
        {
            if (!response.IsSuccessStatusCode)
            {
                var (reason, code) = DescribeError(body);
                if (response.StatusCode == HttpStatusCode.Unauthorized && authenticated)
                {
                    _sessionEnded = true;
                }

                throw new CoordinatorException(response.StatusCode, reason, code);
            }

            return body;
        }
    }

    // Moves to the next address, unless a concurrent call that failed on the same one already did.
    private void FailOver(int failed)
    {
        if (_coordinators.Length > 1)
        {
            Interlocked.CompareExchange(ref _current, (failed + 1) % _coordinators.Length, failed);
        }
    }

    // With a Content-Length (the coordinator always sends one) the body lands in one exactly sized array.
    private static async Task<byte[]> ReadBodyAsync(HttpContent content, CancellationToken cancellationToken)
    {
        if (content.Headers.ContentLength is not { } length || length > Array.MaxLength)
        {
            return await content.ReadAsByteArrayAsync(cancellationToken).ConfigureAwait(false);
        }

        var body = new byte[length];
        var stream = await content.ReadAsStreamAsync(cancellationToken).ConfigureAwait(false);
        await using (stream.ConfigureAwait(false))
        {
            await stream.ReadExactlyAsync(body, cancellationToken).ConfigureAwait(false);
        }

        return body;
    }

    private static (string Message, V1.ErrorReason Reason) DescribeError(byte[] body)
    {
        try
        {
            var error = MessageParsing.Parse(V1.Error.Parser, body);
            return (error.Message.Length > 0 ? error.Message : "(no message)", error.Reason);
        }
        catch (MalformedMessageException)
        {
            return ("(the error body is not a protocol Error)", V1.ErrorReason.Unspecified);
        }
    }
}
