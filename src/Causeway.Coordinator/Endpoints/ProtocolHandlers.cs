using Causeway.Coordinator.Mailbox;
using Causeway.Coordinator.Parties;
using Causeway.Core.Tensors;
using Causeway.Federation;
using Causeway.Federation.Horizontal;
using Causeway.Federation.Horizontal.Protection;
using Causeway.Protocol;
using Causeway.Protocol.Wire;
using Google.Protobuf;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using V1 = Causeway.Protocol.V1;

namespace Causeway.Coordinator.Endpoints;

/// <summary>The protocol calls: Join, Heartbeat, PullTask (long poll), PushResult, and a party's federated vector Search.</summary>
/// <remarks>
/// Every refusal is an HTTP status plus a protobuf <c>Error</c> body, and is logged without tokens or values.
/// A refused request never disturbs the mailbox: the round goes on with the other parties.
/// </remarks>
internal sealed class ProtocolHandlers(
    PartyRegistry registry,
    TaskMailbox mailbox,
    IOptions<CoordinatorOptions> options,
    TimeProvider time,
    IHostApplicationLifetime lifetime,
    Vectors.VectorSearchService vectorSearch,
    ILogger<ProtocolHandlers> logger)
{
    private const int SmallMessageBytes = 64 * 1024;

    // A join carries the party's data description: a schema and per-column statistics (hundreds of KB for thousands of columns).
    private const int JoinMessageBytes = 4 * 1024 * 1024;

    // A search carries one query vector: up to 65,536 floats.
    private const int SearchMessageBytes = 512 * 1024;
    private readonly CoordinatorOptions _options = options.Value;

    public async Task JoinAsync(HttpContext context)
    {
        var request = await ReadSmallAsync(context, V1.JoinRequest.Parser, JoinMessageBytes).ConfigureAwait(false);
        if (request is null)
        {
            return;
        }

        DataDescription? data = null;
        if (request.Data is { } description)
        {
            try
            {
                data = ContractMapping.FromProto(description, $"party '{Printable(request.PartyId)}''s data description");
                if (data.DescribeProblem() is { } problem)
                {
                    throw new MalformedMessageException($"party '{Printable(request.PartyId)}''s data description: {problem}");
                }
            }
            catch (MalformedMessageException e)
            {
                CoordinatorLog.JoinRefused(logger, Printable(request.PartyId), e.Message);
                await ProtocolResponses.WriteErrorAsync(context, V1.ErrorReason.InvalidDataDescription, e.Message).ConfigureAwait(false);
                return;
            }
        }

        var result = registry.Join(request.PartyId, request.JoinToken, data, ClientVersionOf(request), context.Connection.ClientCertificate, request.Standby);
        if (result.SessionToken is null)
        {
            if (result.Refusal == AccessRefusal.PartyIdInUse)
            {
                // Expected every few seconds while a replaced process stands by: not a warning each time.
                CoordinatorLog.StandbyJoinRefused(logger, Printable(request.PartyId));
            }
            else
            {
                CoordinatorLog.JoinRefused(logger, Printable(request.PartyId), result.Error!);
            }

            await ProtocolResponses.WriteErrorAsync(context, ReasonOf(result.Refusal), result.Error!).ConfigureAwait(false);
            return;
        }

        if (result.ReplacedLiveSession is { } silence)
        {
            CoordinatorLog.LiveSessionReplaced(logger, request.PartyId, silence.TotalSeconds);
        }

        CoordinatorLog.PartyJoined(logger, request.PartyId, _options.FederationId);
        await ProtocolResponses.WriteAsync(context, new V1.JoinResponse
        {
            SessionToken = result.SessionToken,
            FederationId = _options.FederationId,
            HeartbeatIntervalMs = (long)_options.HeartbeatInterval.TotalMilliseconds,
            SessionTimeoutMs = (long)_options.HeartbeatTimeout.TotalMilliseconds,
            LongPollTimeoutMs = (long)_options.LongPollTimeout.TotalMilliseconds,
            MaxMessageBytes = _options.MaxMessageBytes,
        }).ConfigureAwait(false);
    }

    public async Task HeartbeatAsync(HttpContext context)
    {
        if (await AuthenticateAsync(context).ConfigureAwait(false) is null
            || await ReadSmallAsync(context, V1.HeartbeatRequest.Parser).ConfigureAwait(false) is null)
        {
            return;
        }

        await ProtocolResponses.WriteAsync(context, new V1.HeartbeatResponse { ServerTimeUnixMs = time.GetUtcNow().ToUnixTimeMilliseconds() })
            .ConfigureAwait(false);
    }

    /// <summary>The querier name of a party's federated vector queries: <c>party:&lt;id&gt;</c>.</summary>
    public static string PartyQuerier(PartyId party) => "party:" + party.Value;

    /// <summary>A federated vector query asked by the authenticated party, which is its querier (docs/vectors.md).</summary>
    public async Task SearchAsync(HttpContext context)
    {
        var session = await AuthenticateAsync(context).ConfigureAwait(false);
        if (session is null || await ReadSmallAsync(context, V1.SearchRequest.Parser, SearchMessageBytes).ConfigureAwait(false) is not { } request)
        {
            return;
        }

        try
        {
            // "party:<id>", so no party id can pass for the operator (whose querier name is "operator").
            var querier = PartyQuerier(session.Party);
            var query = ProtocolMapping.FromSearchRequest(request, querier);
            var filter = query.FilterJson is null ? null : System.Text.Json.Nodes.JsonNode.Parse(query.FilterJson) as System.Text.Json.Nodes.JsonObject
                ?? throw new MalformedMessageException("A search's filter_json must be a JSON object.");
            var search = new Vectors.FederatedSearchRequest(
                query.Collection, query.Vector, query.K, query.Ef, query.Nprobe, filter, request.DeadlineSeconds == 0 ? null : request.DeadlineSeconds);
            var result = await vectorSearch.SearchAsync(search, querier, context.RequestAborted).ConfigureAwait(false);
            await ProtocolResponses.WriteAsync(context, ProtocolMapping.ToProto(result)).ConfigureAwait(false);
        }
        catch (Exception e) when (e is MalformedMessageException or System.Text.Json.JsonException or Refusals.InvalidRequestException)
        {
            await RefuseAsync(context, V1.ErrorReason.MalformedMessage, $"search: {e.Message}").ConfigureAwait(false);
        }
        catch (Refusals.ConflictException e)
        {
            await RefuseAsync(context, V1.ErrorReason.NoParty, e.Message).ConfigureAwait(false);
        }
    }

    public async Task PullTaskAsync(HttpContext context)
    {
        var session = await AuthenticateAsync(context).ConfigureAwait(false);
        if (session is null || await ReadSmallAsync(context, V1.PullTaskRequest.Parser).ConfigureAwait(false) is not { } request)
        {
            return;
        }

        await DeliverNextTaskAsync(context, session, request, NextTaskEnvelope.PullTask).ConfigureAwait(false);
    }

    // The long poll of PullTask, and of a PushResult that asked for its party's next task (then_pull).
    private async Task DeliverNextTaskAsync(HttpContext context, PartySession session, V1.PullTaskRequest request, NextTaskEnvelope envelope)
    {
        PendingTask? task;

        // A stopping host answers waiting polls with "no task" at once instead of holding shutdown for the poll timeout;
        // a poll whose session ends (replaced by a new join, or expired) stops waiting, so it cannot take a task meant
        // for the party's next session.
        using var wait = CancellationTokenSource.CreateLinkedTokenSource(context.RequestAborted, lifetime.ApplicationStopping, session.Ended);
        try
        {
            task = await mailbox.TakeAsync(session.Party, _options.LongPollTimeout, wait.Token).ConfigureAwait(false);
        }
        catch (OperationCanceledException) when (context.RequestAborted.IsCancellationRequested)
        {
            // The party hung up while waiting; nothing was taken from its queue.
            return;
        }
        catch (OperationCanceledException) when (lifetime.ApplicationStopping.IsCancellationRequested)
        {
            task = null;
        }
        catch (OperationCanceledException) when (session.Ended.IsCancellationRequested)
        {
            await RefuseEndedAsync(context, session).ConfigureAwait(false);
            return;
        }

        if (task is not null && !session.Active)
        {
            // The session ended as the task was taken: the task goes back to the party's queue for its new session.
            mailbox.Requeue(task);
            await RefuseEndedAsync(context, session).ConfigureAwait(false);
            return;
        }

        session.Touch(time.GetUtcNow());

        // A task withdrawn between delivery and here has let go of its work: answer "no task".
        if (task?.Work is not { } work)
        {
            await ProtocolResponses.WriteAsync(context, envelope.Wrap(null)).ConfigureAwait(false);
            return;
        }

        var header = new V1.PartyTask
        {
            TaskId = task.Id,
            RunId = task.Round.RunId,
            Round = task.Round.Round,
            TotalRounds = task.Round.TotalRounds,
        };
        ParameterSet? global = null;
        switch (work)
        {
            case TrainWork train:
                header.Kind = V1.TaskKind.Train;
                header.Seed = train.Seed;
                header.Plan = ContractMapping.ToProto(train.Plan);
                AddSetup(header, train.Setup, request);
                if (train.Privacy is { } privacy)
                {
                    header.Privacy = ContractMapping.ToProto(privacy);
                }

                if (train.Protection is { } protection)
                {
                    header.Protection = ProtocolMapping.ToProto(protection);
                }

                global = train.Global;
                break;
            case EvaluateWork evaluate:
                header.Kind = V1.TaskKind.Evaluate;
                header.SecureScores = evaluate.SecureScores;
                AddSetup(header, evaluate.Setup, request);
                global = evaluate.Global;
                break;
            case StepWork step:
                header.Kind = V1.TaskKind.ProtocolStep;
                header.Protection = ProtocolMapping.ToProto(step.Request);
                break;
        }

        if (mailbox.TakeReport(session.Party, task.Round.RunId) is { } report)
        {
            header.EvaluationReport = ProtocolMapping.ToProto(report);
        }

        CoordinatorLog.TaskDelivered(logger, task.Id, task.Round.Round, session.Party.Value);
        if (global is not null)
        {
            await TaskResponseWriter.WriteAsync(context, envelope.Wrap(header), envelope.TaskField, global).ConfigureAwait(false);
        }
        else
        {
            await ProtocolResponses.WriteAsync(context, envelope.Wrap(header)).ConfigureAwait(false);
        }
    }

    // The setup travels only to a party that does not hold it yet: it names what it holds by digest.
    private static void AddSetup(V1.PartyTask header, WireSetup? setup, V1.PullTaskRequest request)
    {
        if (setup is null)
        {
            return;
        }

        header.SetupDigest = setup.Digest;
        if (!request.SetupDigest.Equals(setup.Digest))
        {
            header.Setup = setup.Message;
        }
    }

    /// <summary>
    /// A task's result, read from the stream as it arrives (<see cref="PushResult"/>). The task is found by the
    /// <see cref="CausewayProtocol.TaskIdHeader"/> before the body is read when the party sends it, else by the body's
    /// task id as soon as it is read; only a task this party may answer gets a buffer for its delta.
    /// </summary>
    public async Task PushResultAsync(HttpContext context)
    {
        var session = await AuthenticateAsync(context).ConfigureAwait(false);
        if (session is null || !await RequireProtobufAsync(context).ConfigureAwait(false))
        {
            return;
        }

        if (context.Request.ContentLength is { } declared && declared > _options.MaxMessageBytes)
        {
            await RefuseAsync(context, V1.ErrorReason.TooLarge, $"the message exceeds the {_options.MaxMessageBytes}-byte limit").ConfigureAwait(false);
            return;
        }

        PendingTask? announced = null;
        var announcedId = context.Request.Headers[CausewayProtocol.TaskIdHeader].ToString();
        if (announcedId.Length > 0 && (announced = await FindTaskAsync(context, session, announcedId).ConfigureAwait(false)) is null)
        {
            return;
        }

        // The reader enforces MaxMessageBytes itself as the body streams in.
        if (context.Features.Get<Microsoft.AspNetCore.Http.Features.IHttpMaxRequestBodySizeFeature>() is { IsReadOnly: false } sizeFeature)
        {
            sizeFeature.MaxRequestBodySize = null;
        }

        // Only one push at a time may store a task's result; the claim lasts until the result is taken or refused.
        var claim = new ReceiveClaim();
        try
        {
            await ReadAndCompleteAsync(context, session, announced, announcedId, claim).ConfigureAwait(false);
        }
        finally
        {
            claim.Release();
        }
    }

    private async Task ReadAndCompleteAsync(HttpContext context, PartySession session, PendingTask? announced, string announcedId, ReceiveClaim claim)
    {
        PushResult result;
        try
        {
            result = await PushResult.ReadAsync(context.Request.Body, id => ExpectationFor(session.Party, id, claim), _options.MaxMessageBytes, context.RequestAborted)
                .ConfigureAwait(false);
        }
        catch (MalformedMessageException e)
        {
            await RefuseAsync(context, V1.ErrorReason.MalformedMessage, $"malformed PushResultRequest: {e.Message}").ConfigureAwait(false);
            return;
        }
        catch (MessageTooLargeException e)
        {
            await RefuseAsync(context, V1.ErrorReason.TooLarge, e.Message).ConfigureAwait(false);
            return;
        }

        if (claim.Busy)
        {
            // A duplicate sent while the first copy is still arriving: the first decides; this one changes nothing.
            await RejectAsync(context, session.Party.Value, result.TaskId, V1.ErrorReason.ResultInProgress,
                "another result for this task is being received; this one is refused").ConfigureAwait(false);
            return;
        }

        if (announced is not null && result.TaskId != announcedId)
        {
            await RejectAsync(context, session.Party.Value, announcedId, V1.ErrorReason.MalformedMessage,
                $"the {CausewayProtocol.TaskIdHeader} header names another task than the body").ConfigureAwait(false);
            return;
        }

        var task = announced ?? await FindTaskAsync(context, session, result.TaskId).ConfigureAwait(false);
        var completed = task is not null && await CompleteAsync(context, task, result).ConfigureAwait(false);

        // Before the long poll of then_pull: a later copy of the result now gets the task's own answer (duplicate).
        claim.Release();
        if (!completed)
        {
            return;
        }

        if (result.ThenPull is { } pull)
        {
            await DeliverNextTaskAsync(context, session, pull, NextTaskEnvelope.PushResult).ConfigureAwait(false);
        }
        else
        {
            await ProtocolResponses.WriteAsync(context, new V1.PushResultResponse { Accepted = true }).ConfigureAwait(false);
        }
    }

    // Only a delivered task of the caller's, claimed by this push, may have its result stored, and only the kind it waits for.
    private ResultExpectation ExpectationFor(PartyId party, string taskId, ReceiveClaim claim)
    {
        if (mailbox.Find(taskId) is not { } task || task.Party != party || task.State != PendingTaskState.Delivered || task.Work is not { } work)
        {
            return ResultExpectation.Nothing;
        }

        if (!task.TryBeginReceive())
        {
            claim.Busy = true;
            return ResultExpectation.Nothing;
        }

        claim.Task = task;
        return work switch
        {
            TrainWork { Protection: not null } => new ResultExpectation { ProtectedUpdate = true },
            TrainWork { Setup.Recommendation: true } => new ResultExpectation { AnyLayout = true },
            TrainWork => new ResultExpectation { Delta = task.Layout },
            StepWork => new ResultExpectation { StepReply = true },
            _ => ResultExpectation.Nothing,
        };
    }

    /// <summary>The task a push claimed for storing its result, or why it could not.</summary>
    private sealed class ReceiveClaim
    {
        public PendingTask? Task { get; set; }

        public bool Busy { get; set; }

        /// <summary>Releases the claim once; a second call does nothing (another push may hold the task's claim by then).</summary>
        public void Release()
        {
            Task?.EndReceive();
            Task = null;
        }
    }

    // Finds the task a result is for and checks that it belongs to the caller and is waiting for a result; answers otherwise.
    private async Task<PendingTask?> FindTaskAsync(HttpContext context, PartySession session, string taskId)
    {
        var task = mailbox.Find(taskId);
        if (task is null)
        {
            await RejectAsync(context, session.Party.Value, taskId, V1.ErrorReason.NotFound, "unknown task").ConfigureAwait(false);
            return null;
        }

        if (task.Party != session.Party)
        {
            await RejectAsync(context, session.Party.Value, taskId, V1.ErrorReason.Forbidden, $"task '{Printable(taskId)}' was given to another party").ConfigureAwait(false);
            return null;
        }

        return await RefuseByStateAsync(context, task).ConfigureAwait(false) ? null : task;
    }

    // Completes the task with the pushed result; false when the result was refused (the refusal is written).
    private async Task<bool> CompleteAsync(HttpContext context, PendingTask task, PushResult pushed)
    {
        var party = task.Party;
        if (pushed.RunId != task.Round.RunId || pushed.Round != task.Round.Round)
        {
            await RejectAsync(context, party.Value, task.Id, V1.ErrorReason.ResultRefused,
                $"the result names run '{Printable(pushed.RunId)}' round {pushed.Round}, but the task is run '{task.Round.RunId}' round {task.Round.Round}").ConfigureAwait(false);
            return false;
        }

        // The deadline may withdraw the task at any moment: decode against the work as it was when the result arrived.
        if (task.Work is not { } work)
        {
            await RefuseByStateAsync(context, task).ConfigureAwait(false);
            return false;
        }

        TaskResult result;
        try
        {
            result = Decode(task.Party, work, pushed);
        }
        catch (MalformedMessageException e)
        {
            // The party answered with an invalid result: the round records it as rejected and goes on.
            task.TryComplete(new TaskResult(null, null, new PartyFailure(party, FailureKind.Rejected, e.Message)), requireDelivered: true);
            await RejectAsync(context, party.Value, task.Id, V1.ErrorReason.ResultRefused, e.Message).ConfigureAwait(false);
            return false;
        }

        if (result.Failure is { Kind: FailureKind.NonFinite } nonFinite)
        {
            // Refused like a malformed result, but recorded as non-finite: a round whose every update is one has diverged.
            task.TryComplete(result, requireDelivered: true);
            await RejectAsync(context, party.Value, task.Id, V1.ErrorReason.ResultRefused, nonFinite.Reason).ConfigureAwait(false);
            return false;
        }

        if (!task.TryComplete(result, requireDelivered: true))
        {
            await RefuseByStateAsync(context, task).ConfigureAwait(false);
            return false;
        }

        if (result.Failure is { } reported)
        {
            CoordinatorLog.PartyReportedFailure(logger, party.Value, task.Id, reported.Reason);
        }
        else
        {
            CoordinatorLog.ResultAccepted(logger, task.Id, party.Value);
        }

        return true;
    }

    private static TaskResult Decode(PartyId party, TaskWork work, PushResult pushed)
    {
        var train = new TrainFields(pushed.Examples, pushed.TrainLoss, pushed.TrainSeconds, pushed.WithinClip, pushed.ProtectedUpdate);
        switch (pushed.Kind, work)
        {
            case (PushResultKind.Failure, _):
                var reason = pushed.Failure!.Reason;
                reason = $"the party reported: {Printable(reason.Length > 500 ? reason[..500] : reason)}";

                // A failed step is the party's answer (it took the step and refused it), unlike a lost one.
                return work is StepWork
                    ? new TaskResult(null, null, null, StepReply: ProtocolStepReply.Failed(reason))
                    : new TaskResult(null, null, new PartyFailure(party, FailureKind.Dropout, reason));
            case (PushResultKind.Train, TrainWork task) when pushed.HasProtectedUpdate || task.Protection is not null:
                return DecodeProtected(party, task, train);
            case (PushResultKind.Train, TrainWork task):
                var delta = pushed.DeltaError is { } error
                    ? throw new MalformedMessageException(task.Sharing is null
                        ? error
                        : $"{error} This run freezes or keeps layers (plan.frozen_layers, plan.personal_layers): a delta holds the shared layers only ({task.DeltaLayout}).")
                    : pushed.Delta!;
                if (!delta.AllFinite())
                {
                    return NonFinite(party, "the delta contains NaN or infinite values");
                }

                if (!double.IsFinite(train.TrainLoss))
                {
                    return NonFinite(party, "the train loss is not finite");
                }

                CheckTrainFields(train);
                if (task.Privacy is not null && train.WithinClip is null)
                {
                    throw new MalformedMessageException("the task asked for client-level DP, but the result does not say whether the delta was within the clip norm (within_clip)");
                }

                return new TaskResult(new PartyUpdate(party, delta, (int)train.Examples, train.TrainLoss, train.TrainSeconds, train.WithinClip), null, null);
            case (PushResultKind.Evaluation, EvaluateWork evaluate):
                // Under secure aggregation a histogram sent anyway is not used: the federation's comes from the secure sum.
                var evaluation = ContractMapping.FromProto(pushed.Evaluation!);
                return new TaskResult(null, evaluate.SecureScores && evaluation is not null ? evaluation with { Scores = null } : evaluation, null);
            case (PushResultKind.StepReply, StepWork):
                return new TaskResult(
                    null, null, null, StepReply: ProtocolStepReply.Success(ProtocolMapping.FromProto(
                        pushed.StepReply ?? throw new MalformedMessageException("the step reply was not read: the task was not waiting for it"))));
            case (PushResultKind.None, _):
                throw new MalformedMessageException("the result holds neither a train result, an evaluation, a step reply nor a failure");
            default:
                throw new MalformedMessageException(work switch
                {
                    StepWork => "a protocol step was answered with a train result or an evaluation",
                    TrainWork => "a train task was answered with an evaluation or a step reply",
                    _ => "an evaluation task was answered with a train result or a step reply",
                });
        }
    }

    // A protected round's train reply: the masked vector or ciphertexts, never a plain delta (the round promised the others).
    private static TaskResult DecodeProtected(PartyId party, TrainWork task, TrainFields fields)
    {
        if (task.Protection is null)
        {
            throw new MalformedMessageException("a protected update was sent for a plain train task");
        }

        if (fields.ProtectedUpdate is not { } payload)
        {
            throw new MalformedMessageException("the round is protected, but the party sent a plain delta; it is refused");
        }

        if (!double.IsFinite(fields.TrainLoss))
        {
            return NonFinite(party, "the train loss is not finite");
        }

        CheckTrainFields(fields);
        var update = new ProtectedUpdate(party, ProtocolMapping.FromProto(payload), (int)fields.Examples, fields.TrainLoss, fields.TrainSeconds);
        return new TaskResult(null, null, null, Protected: update);
    }

    // NaN or infinity in a party's numbers: refused with 400, and the round sees a non-finite update (DivergenceRule).
    private static TaskResult NonFinite(PartyId party, string reason) => new(null, null, new PartyFailure(party, FailureKind.NonFinite, reason));

    private static void CheckTrainFields(TrainFields fields)
    {
        if (fields.Examples is <= 0 or > int.MaxValue)
        {
            throw new MalformedMessageException($"examples must be between 1 and {int.MaxValue}, got {fields.Examples}");
        }

        if (!double.IsFinite(fields.TrainSeconds) || fields.TrainSeconds < 0)
        {
            throw new MalformedMessageException($"train_seconds must be finite and non-negative, got {fields.TrainSeconds}");
        }
    }

    private async Task<bool> RefuseByStateAsync(HttpContext context, PendingTask task)
    {
        var (reason, code) = task.State switch
        {
            PendingTaskState.Withdrawn => ($"round {task.Round.Round} closed", V1.ErrorReason.RoundClosed),
            PendingTaskState.Completed when task.ResultRefused => ("duplicate result: the task's first result was refused", V1.ErrorReason.DuplicateOfRefused),
            PendingTaskState.Completed => ("duplicate result: the task's first result was received", V1.ErrorReason.DuplicateOfAccepted),
            PendingTaskState.Queued => ("the task has not been delivered yet", V1.ErrorReason.TaskNotDelivered),
            _ => ("", V1.ErrorReason.Unspecified),
        };
        if (code == V1.ErrorReason.Unspecified)
        {
            return false;
        }

        await RejectAsync(context, task.Party.Value, task.Id, code, reason).ConfigureAwait(false);
        return true;
    }

    private async Task<PartySession?> AuthenticateAsync(HttpContext context)
    {
        // With mutual TLS the connection's certificate must name the session's party (PartyRegistry.Authenticate).
        var result = registry.Authenticate(context.Request.Headers.Authorization.ToString(), context.Connection.ClientCertificate);
        if (result.Session is null)
        {
            await RefuseAsync(context, ReasonOf(result.Refusal), result.Error!).ConfigureAwait(false);
        }

        return result.Session;
    }

    // A long poll whose session ended while it waited: the same answer its next call would get.
    private Task RefuseEndedAsync(HttpContext context, PartySession session) => session.Replaced
        ? RefuseAsync(
            context, ReasonOf(AccessRefusal.SessionReplaced),
            $"another process joined as party '{session.Party}' and replaced this session; two running processes must not share a party id")
        : RefuseAsync(context, ReasonOf(AccessRefusal.NotAuthenticated), "the session expired; join again");

    private static V1.ErrorReason ReasonOf(AccessRefusal refusal) => refusal switch
    {
        AccessRefusal.InvalidPartyId => V1.ErrorReason.InvalidPartyId,
        AccessRefusal.NotAuthenticated => V1.ErrorReason.NotAuthenticated,
        AccessRefusal.SessionReplaced => V1.ErrorReason.SessionReplaced,
        AccessRefusal.PartyIdInUse => V1.ErrorReason.PartyIdInUse,
        _ => V1.ErrorReason.Forbidden,
    };

    private async Task<bool> RequireProtobufAsync(HttpContext context)
    {
        // The media type exactly (case-insensitive, parameters such as a charset ignored), as docs/protocol.md states;
        // read without allocating, as every call of a round passes here.
        var header = context.Request.ContentType.AsSpan();
        var parameters = header.IndexOf(';');
        if ((parameters < 0 ? header : header[..parameters]).Trim().Equals(CausewayProtocol.ContentType, StringComparison.OrdinalIgnoreCase))
        {
            return true;
        }

        await RefuseAsync(context, V1.ErrorReason.UnsupportedMediaType, $"the content type must be {CausewayProtocol.ContentType}").ConfigureAwait(false);
        return false;
    }

    private async Task<T?> ReadSmallAsync<T>(HttpContext context, MessageParser<T> parser, int maxBytes = SmallMessageBytes)
        where T : class, IMessage<T>
    {
        if (!await RequireProtobufAsync(context).ConfigureAwait(false))
        {
            return null;
        }

        using var body = await PooledBody.ReadAsync(context.Request, maxBytes, context.RequestAborted).ConfigureAwait(false);
        if (body is null)
        {
            await RefuseAsync(context, V1.ErrorReason.TooLarge, $"the message exceeds the {maxBytes}-byte limit").ConfigureAwait(false);
            return null;
        }

        try
        {
            return MessageParsing.Parse(parser, body.Memory.Span);
        }
        catch (MalformedMessageException e)
        {
            await RefuseAsync(context, V1.ErrorReason.MalformedMessage, $"malformed {typeof(T).Name}: {(e.InnerException ?? e).Message}").ConfigureAwait(false);
            return null;
        }
    }

    /// <summary>A protocol path called with another method than POST: 405 with an Error, and <c>Allow: POST</c>.</summary>
    public Task MethodNotAllowedAsync(HttpContext context)
    {
        context.Response.Headers.Allow = "POST";
        return RefuseAsync(
            context, V1.ErrorReason.MethodNotAllowed, $"{Printable(context.Request.Path.Value ?? "")} takes POST, not {context.Request.Method}");
    }

    /// <summary>A path under the protocol's prefix that is no call: 404 with an Error naming the calls.</summary>
    public Task NotFoundAsync(HttpContext context) => RefuseAsync(
        context, V1.ErrorReason.NotFound,
        $"no protocol call {Printable(context.Request.Path.Value ?? "")}; the calls are {CausewayProtocol.PathPrefix}Join, Heartbeat, PullTask, PushResult and Search");

    private Task RefuseAsync(HttpContext context, V1.ErrorReason code, string reason)
    {
        CoordinatorLog.RequestRefused(logger, context.Request.Path.Value ?? "", ProtocolResponses.StatusOf(code), reason);
        return ProtocolResponses.WriteErrorAsync(context, code, reason);
    }

    private Task RejectAsync(HttpContext context, string party, string taskId, V1.ErrorReason code, string reason)
    {
        CoordinatorLog.ResultRejected(logger, party, Printable(taskId), ProtocolResponses.StatusOf(code), reason);
        return ProtocolResponses.WriteErrorAsync(context, code, reason);
    }

    // What the operator sees of the party's free-text client_version: at most 64 printable characters.
    private static string ClientVersionOf(V1.JoinRequest request)
    {
        var version = Printable(request.ClientVersion);
        return version.Length > 64 ? version[..64] : version;
    }

    private static string Printable(string value)
    {
        var text = value.Length > 128 ? value[..128] : value;
        return string.Concat(text.Select(c => char.IsControl(c) ? '?' : c));
    }
}

/// <summary>The scalar fields of a TrainResult as the push parser read them.</summary>
internal readonly record struct TrainFields(long Examples, double TrainLoss, double TrainSeconds, bool? WithinClip, V1.ProtocolMessage? ProtectedUpdate = null);
