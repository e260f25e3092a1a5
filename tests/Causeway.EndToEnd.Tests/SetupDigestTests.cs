using System.Net;
using System.Net.Http.Headers;
using System.Security.Cryptography;
using Causeway.Core.Data;
using Causeway.Core.Models;
using Causeway.EndToEnd.Tests.Infrastructure;
using Causeway.Federation;
using Causeway.Federation.Horizontal;
using Causeway.Protocol;
using Google.Protobuf;
using V1 = Causeway.Protocol.V1;

namespace Causeway.EndToEnd.Tests;

/// <summary>A run's setup crosses the wire once per party: later tasks name it by digest (PartyTask.setup_digest).</summary>
public sealed class SetupDigestTests
{
    private const string SchemaJson = """
        {
          "format": { "delimiter": ",", "header": true },
          "columns": [
            { "name": "x", "type": "numeric" },
            { "name": "y", "type": "label", "classes": { "0": ["no"], "1": ["yes"] } }
          ]
        }
        """;

    [Fact]
    public async Task PullTask_RequestNamesTheRunsSetup_TaskCarriesOnlyItsDigest()
    {
        await using var server = await CoordinatorServer.StartAsync();
        var party = new PartyId("hospital-a");
        var setup = Setup();
        server.Channel.BeginRun("run-test", setup);
        using var client = server.CreateClient(party.Value);
        await client.JoinAsync(null, CancellationToken.None).DefaultTimeout();
        using var stop = new CancellationTokenSource();
        var expected = SHA256.HashData(ContractMapping.ToProto(setup).ToByteArray());

        _ = server.Channel.TrainAsync(party, Models.TrainTask(1), stop.Token);
        var first = await PullAsync(client, ByteString.Empty);
        _ = server.Channel.TrainAsync(party, Models.TrainTask(2), stop.Token);
        var second = await PullAsync(client, first.SetupDigest);
        _ = server.Channel.EvaluateAsync(party, new EvaluateTask(new RoundInfo("run-test", 2, 5), Models.Global()), stop.Token);
        var third = await PullAsync(client, ByteString.CopyFrom(new byte[32]));

        Assert.Equal(expected, first.SetupDigest.ToByteArray());
        Assert.Equal(ContractMapping.ToProto(setup), first.Setup);
        Assert.Equal(expected, second.SetupDigest.ToByteArray());
        Assert.Null(second.Setup);
        Assert.Equal(ContractMapping.ToProto(setup), third.Setup);
        await stop.CancelAsync();
    }

    [Fact]
    public async Task PullTaskAsync_SecondTaskOfTheRun_ReusesTheSetupItHolds()
    {
        await using var server = await CoordinatorServer.StartAsync();
        var party = new PartyId("hospital-a");
        var setup = Setup();
        server.Channel.BeginRun("run-test", setup);
        using var client = server.CreateClient(party.Value);
        await client.JoinAsync(null, CancellationToken.None).DefaultTimeout();
        using var stop = new CancellationTokenSource();

        _ = server.Channel.TrainAsync(party, Models.TrainTask(1), stop.Token);
        var first = await client.PullTaskAsync(CancellationToken.None).DefaultTimeout();
        _ = server.Channel.TrainAsync(party, Models.TrainTask(2), stop.Token);
        var second = await client.PullTaskAsync(CancellationToken.None).DefaultTimeout();

        Assert.Equal(setup, first!.Setup);
        Assert.Same(first.Setup, second!.Setup);
        await stop.CancelAsync();
    }

    private static async Task<V1.PartyTask> PullAsync(Party.PartyClient client, ByteString digest)
    {
        using var content = new ByteArrayContent(new V1.PullTaskRequest { SetupDigest = digest }.ToByteArray());
        content.Headers.ContentType = new MediaTypeHeaderValue(CausewayProtocol.ContentType);
        var (status, body) = await client.PostRawAsync(CausewayProtocol.PullTaskPath, content, CancellationToken.None).DefaultTimeout();
        Assert.Equal(HttpStatusCode.OK, status);
        return V1.PullTaskResponse.Parser.ParseFrom(body).Task ?? throw new InvalidOperationException("The pull returned no task.");
    }

    private static RunSetup Setup()
    {
        var schema = DataSchema.Parse(SchemaJson, "schema.json");
        var table = TableReader.Read(new StringReader("x,y\n1,no\n2,yes\n4,yes\n"), "party.csv", schema);
        return new RunSetup(ModelSpec.LogisticRegression(1), SchemaJson, FeatureStatistics.Compute(table));
    }
}
