using System.Net;
using System.Net.Http.Headers;
using Causeway.Core.Data;
using Causeway.EndToEnd.Tests.Infrastructure;
using Causeway.Federation.Horizontal;
using Causeway.Party;
using Causeway.Protocol;
using Google.Protobuf;
using V1 = Causeway.Protocol.V1;

namespace Causeway.EndToEnd.Tests;

/// <summary>
/// docs/protocol.md, "Errors": every refusal of the protobuf protocol is an <c>Error</c> body with the status repeated and
/// a machine-readable reason, wrong methods and unknown paths included; a Join is refused at once, naming the field,
/// when its data description could never take part in a run; and the session timeout is in <c>JoinResponse</c>.
/// </summary>
public sealed class ProtocolErrorTests
{
    [Theory]
    [InlineData("GET", CausewayProtocol.JoinPath)]
    [InlineData("PUT", CausewayProtocol.PushResultPath)]
    [InlineData("DELETE", CausewayProtocol.HeartbeatPath)]
    public async Task AnotherMethodThanPost_Is405_WithAnErrorBody_AndAllowPost(string method, string path)
    {
        await using var server = await CoordinatorServer.StartAsync();
        using var http = server.CreateAdminClient(token: null);

        using var response = await http.SendAsync(new HttpRequestMessage(new HttpMethod(method), new Uri(path.TrimStart('/'), UriKind.Relative))).DefaultTimeout();
        var error = await ErrorOf(response);

        Assert.Equal(HttpStatusCode.MethodNotAllowed, response.StatusCode);
        Assert.Equal(["POST"], response.Content.Headers.Allow);
        Assert.Equal(405, error.Code);
        Assert.Equal(V1.ErrorReason.MethodNotAllowed, error.Reason);
        Assert.Equal($"{path} takes POST, not {method}", error.Message);
    }

    [Fact]
    public void EveryReason_HasItsStatus_AsDocsProtocolTabulatesIt()
    {
        var statuses = Enum.GetValues<V1.ErrorReason>().Where(r => r != V1.ErrorReason.Unspecified)
            .ToDictionary(r => r, Coordinator.Endpoints.ProtocolResponses.StatusOf);

        Assert.Equal(18, statuses.Count);
        Assert.DoesNotContain(500, statuses.Values);
        Assert.Equal(401, statuses[V1.ErrorReason.SessionReplaced]);
        Assert.Equal(409, statuses[V1.ErrorReason.DuplicateOfRefused]);
        Assert.Equal(400, statuses[V1.ErrorReason.InvalidDataDescription]);
        Assert.Equal(405, statuses[V1.ErrorReason.MethodNotAllowed]);
    }

    [Fact]
    public async Task UnknownCall_Is404_WithAnErrorNamingTheCalls()
    {
        await using var server = await CoordinatorServer.StartAsync();
        using var http = server.CreateAdminClient(token: null);

        using var response = await http.PostAsync(new Uri("causeway.v1/Leave", UriKind.Relative), Protobuf([])).DefaultTimeout();
        var error = await ErrorOf(response);

        Assert.Equal(HttpStatusCode.NotFound, response.StatusCode);
        Assert.Equal(V1.ErrorReason.NotFound, error.Reason);
        Assert.Equal("no protocol call /causeway.v1/Leave; the calls are /causeway.v1/Join, Heartbeat, PullTask, PushResult and Search", error.Message);
    }

    [Theory]
    [InlineData("application/json")]
    [InlineData("application/x-protobuffer")] // a prefix of the right type is not the right type
    public async Task Join_WrongContentType_Is415_WithItsReason(string contentType)
    {
        await using var server = await CoordinatorServer.StartAsync();
        using var http = server.CreateAdminClient(token: null);
        using var content = new ByteArrayContent(new V1.JoinRequest { PartyId = "a", JoinToken = CoordinatorServer.JoinToken }.ToByteArray());
        content.Headers.ContentType = new MediaTypeHeaderValue(contentType);

        using var response = await http.PostAsync(new Uri("causeway.v1/Join", UriKind.Relative), content).DefaultTimeout();

        Assert.Equal(HttpStatusCode.UnsupportedMediaType, response.StatusCode);
        Assert.Equal(V1.ErrorReason.UnsupportedMediaType, (await ErrorOf(response)).Reason);
    }

    [Theory]
    [InlineData("hospital a")]
    [InlineData("bank\u202Eevil")] // a right-to-left override would show another id than the real one
    [InlineData("")]
    public async Task Join_PartyIdWithSpacesControlOrFormatCharacters_Is400_InvalidPartyId(string party)
    {
        await using var server = await CoordinatorServer.StartAsync();
        using var http = server.CreateAdminClient(token: null);

        using var response = await http.PostAsync(
            new Uri("causeway.v1/Join", UriKind.Relative), Protobuf(new V1.JoinRequest { PartyId = party, JoinToken = CoordinatorServer.JoinToken }.ToByteArray())).DefaultTimeout();
        var error = await ErrorOf(response);

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Equal(V1.ErrorReason.InvalidPartyId, error.Reason);
        Assert.Equal("the party id must be 1 to 128 characters without spaces, control characters or invisible formatting characters", error.Message);
    }

    [Fact]
    public async Task Join_MalformedSchemaOrStatisticsThatDoNotFit_Is400_AndThePartyIsNotConnected()
    {
        await using var server = await CoordinatorServer.StartAsync();
        var table = SeparableTables.Table(seed: 1, rows: 40);
        var valid = DataDescription.Of(SeparableTables.SchemaJson, table);
        using var badSchema = server.CreateClient("bank-a");
        using var badStatistics = server.CreateClient("bank-b");

        var schemaError = await Assert.ThrowsAsync<CoordinatorException>(() =>
            badSchema.JoinAsync(valid with { SchemaJson = """{ "columns": [ { "name": "x", "type": "numeric" } ] }""" }, CancellationToken.None)).DefaultTimeout();
        const string OneColumn = """{ "columns": [ { "name": "a", "type": "numeric" }, { "name": "y", "type": "label", "classes": { "0": ["0"], "1": ["1"] } } ] }""";
        var otherColumns = DataDescription.Of(OneColumn, TableReader.Read(new StringReader("a,y\n1,0\n2,1\n"), "other.csv", DataSchema.Parse(OneColumn, "other")));
        var statisticsError = await Assert.ThrowsAsync<CoordinatorException>(() =>
            badStatistics.JoinAsync(valid with { Statistics = otherColumns.Statistics }, CancellationToken.None)).DefaultTimeout();

        Assert.Equal(HttpStatusCode.BadRequest, schemaError.Status);
        Assert.Equal(V1.ErrorReason.InvalidDataDescription, schemaError.Code);
        Assert.Contains("no label column", schemaError.Reason, StringComparison.Ordinal);
        Assert.Equal(V1.ErrorReason.InvalidDataDescription, statisticsError.Code);
        Assert.Contains("statistics_json does not fit schema_json", statisticsError.Reason, StringComparison.Ordinal);
        using var admin = server.CreateAdminClient();
        Assert.Equal("""{"federation":"test-federation","parties":[],"currentRun":null}""", await admin.GetStringAsync(new Uri("api/status", UriKind.Relative)).DefaultTimeout());
    }

    [Fact]
    public async Task JoinResponse_CarriesTheSessionTimeout()
    {
        await using var server = await CoordinatorServer.StartAsync(o => o.HeartbeatTimeout = TimeSpan.FromSeconds(42));
        using var http = server.CreateAdminClient(token: null);

        using var response = await http.PostAsync(
            new Uri("causeway.v1/Join", UriKind.Relative), Protobuf(new V1.JoinRequest { PartyId = "bank-a", JoinToken = CoordinatorServer.JoinToken }.ToByteArray())).DefaultTimeout();
        var joined = V1.JoinResponse.Parser.ParseFrom(await response.Content.ReadAsByteArrayAsync().DefaultTimeout());

        Assert.Equal(42_000, joined.SessionTimeoutMs);
        Assert.Equal(5_000, joined.HeartbeatIntervalMs);
    }

    [Fact]
    public async Task Push_Duplicate_Is409_SayingWhetherTheFirstWasReceivedOrRefused()
    {
        await using var server = await CoordinatorServer.StartAsync();
        var party = new Federation.PartyId("bank-a");
        using var client = server.CreateClient(party.Value);
        await client.JoinAsync(null, CancellationToken.None).DefaultTimeout();

        // Round 1: a good result, then a copy. Round 2: a result with NaN (refused), then a copy.
        var first = server.Channel.TrainAsync(party, Models.TrainTask(1), CancellationToken.None);
        var task = (await client.PullTaskAsync(CancellationToken.None).DefaultTimeout())!;
        await client.PushTrainResultAsync(task, Reply(party, 1f), thenPull: false, CancellationToken.None).DefaultTimeout();
        var accepted = await Assert.ThrowsAsync<CoordinatorException>(() => client.PushTrainResultAsync(task, Reply(party, 1f), thenPull: false, CancellationToken.None)).DefaultTimeout();
        await first.DefaultTimeout();
        var second = server.Channel.TrainAsync(party, Models.TrainTask(2), CancellationToken.None);
        var nanTask = (await client.PullTaskAsync(CancellationToken.None).DefaultTimeout())!;
        var refusedFirst = await Assert.ThrowsAsync<CoordinatorException>(() => client.PushTrainResultAsync(nanTask, Reply(party, float.NaN), thenPull: false, CancellationToken.None)).DefaultTimeout();
        var refusedCopy = await Assert.ThrowsAsync<CoordinatorException>(() => client.PushTrainResultAsync(nanTask, Reply(party, 1f), thenPull: false, CancellationToken.None)).DefaultTimeout();
        await second.DefaultTimeout();

        Assert.Equal((HttpStatusCode.Conflict, V1.ErrorReason.DuplicateOfAccepted), (accepted.Status, accepted.Code));
        Assert.Equal((HttpStatusCode.BadRequest, V1.ErrorReason.ResultRefused), (refusedFirst.Status, refusedFirst.Code));
        Assert.Equal((HttpStatusCode.Conflict, V1.ErrorReason.DuplicateOfRefused), (refusedCopy.Status, refusedCopy.Code));
        Assert.Equal("duplicate result: the task's first result was refused", refusedCopy.Reason);
    }

    private static PartyReply Reply(Federation.PartyId party, float value) =>
        PartyReply.Success(new PartyUpdate(party, Models.Filled(Models.Layout, value), 5, 0.1));

    private static ByteArrayContent Protobuf(byte[] bytes)
    {
        var content = new ByteArrayContent(bytes);
        content.Headers.ContentType = new MediaTypeHeaderValue(CausewayProtocol.ContentType);
        return content;
    }

    private static async Task<V1.Error> ErrorOf(HttpResponseMessage response)
    {
        Assert.Equal(CausewayProtocol.ContentType, response.Content.Headers.ContentType?.MediaType);
        return V1.Error.Parser.ParseFrom(await response.Content.ReadAsByteArrayAsync().DefaultTimeout());
    }
}
