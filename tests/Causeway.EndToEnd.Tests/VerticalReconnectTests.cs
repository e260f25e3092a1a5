using Causeway.Coordinator.Mailbox;
using Causeway.EndToEnd.Tests.Infrastructure;
using Causeway.Federation;
using Causeway.Federation.Vertical.Data;
using Causeway.Federation.Vertical.Network;
using Causeway.Party;
using Xunit.Abstractions;

namespace Causeway.EndToEnd.Tests;

/// <summary>
/// A vertical job over HTTP/2 survives a party that drops its connection and joins again mid-job: the step its old session
/// had taken is handed to the new session (the coordinator re-queues it on the re-join), so no step is lost and none has
/// to be re-sent, and the result is the one of an undisturbed run. Re-sending lost steps by number is tested in
/// <c>VerticalJobTests</c>.
/// </summary>
public sealed class VerticalReconnectTests(ITestOutputHelper output)
{
    private static readonly string[] Names = ["telecom", "payments", "usage"];

    [Fact]
    public async Task VerticalJob_AHostReconnectsTwiceMidJob_CompletesWithTheUndisturbedResult()
    {
        // Arrange
        var config = VerticalJobConfig.Parse(
            """{ "guest": "telecom", "hosts": ["payments", "usage"], "psi": { "batchSize": 1024 }, "training": { "loss": "logistic", "encryption": "none", "epochs": 2 } }""",
            "test");
        var work = Directory.CreateTempSubdirectory("causeway-vreconnect-").FullName;
        var tables = Names.Select(n => VerticalTable.Load(Table(n), Schema(n))).ToArray();
        var reference = await RunInProcessAsync(config, tables, Path.Combine(work, "reference"));
        await using var server = await CoordinatorServer.StartAsync();
        var parties = Names.Select((n, i) => new VerticalParty(tables[i], Path.Combine(work, n))).ToArray();
        var sessions = new List<(CancellationTokenSource Stop, Task Loop, PartyHost Host, PartyClient Client)>();
        (CancellationTokenSource, Task, PartyHost, PartyClient) Connect(int party)
        {
            var client = server.CreateClient(Names[party]);
            var host = new PartyHost(client, new NoDataHandler(new PartyId(Names[party])), server.PartyOptions(Names[party]), vertical: parties[party]);
            var stop = new CancellationTokenSource();
            return (stop, host.RunAsync(stop.Token), host, client);
        }

        try
        {
            for (var p = 0; p < Names.Length; p++)
            {
                sessions.Add(Connect(p));
            }

            foreach (var name in Names)
            {
                await server.WaitUntilPollingAsync(name).DefaultTimeout();
            }

            // The usage party drops its session and joins again while it works on its 3rd and 9th PSI steps (each a batch
            // of 1,024 points: tens of milliseconds of EC multiplications): as soon as the coordinator has handed the step
            // to the party, the old session is cancelled and a new one joins; the coordinator gives the step to the new one.
            var reconnects = 0;
            var usageSteps = 0;
            var usage = new PartyId("usage");
            var channel = new InterceptingChannel(server.Channel, party =>
            {
                if (party == usage && Interlocked.Increment(ref usageSteps) is 3 or 9)
                {
                    Interlocked.Increment(ref reconnects);
                    _ = Task.Run(async () =>
                    {
                        while (!server.Mailbox.OpenTasks(usage).Any(t => t.State == PendingTaskState.Delivered))
                        {
                            await Task.Delay(1);
                        }

                        lock (sessions)
                        {
                            sessions.Add(Reconnect());
                        }
                    });
                }
            });
            var job = new VerticalJob("job-reconnect", config, channel);
            (CancellationTokenSource, Task, PartyHost, PartyClient) Reconnect()
            {
                var old = sessions.Last(s => s.Client.Party.Value == "usage");
                old.Stop.Cancel();
                return Connect(2);
            }

            // Act
            var result = await job.RunAsync(CancellationToken.None).WaitAsync(TimeSpan.FromMinutes(3));

            // Assert
            output.WriteLine($"{result.ResentSteps} steps re-sent");
            Assert.Equal(2, reconnects);
            Assert.Equal(0, result.ResentSteps);
            Assert.Equal(reference.Alignment.Intersection, result.Alignment.Intersection);
            Assert.Equal(reference.Training!.Evaluation, result.Training!.Evaluation);
            Assert.True(sessions.Count(s => s.Client.Party.Value == "usage") == 3, "the usage party joined three times");
        }
        finally
        {
            foreach (var session in sessions)
            {
                await session.Stop.CancelAsync();
                await session.Loop.ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing | ConfigureAwaitOptions.ContinueOnCapturedContext);
                session.Host.Dispose();
                session.Client.Dispose();
                session.Stop.Dispose();
            }

            foreach (var party in parties)
            {
                party.Dispose();
            }

            Directory.Delete(work, recursive: true);
        }
    }

    private static async Task<VerticalJobResult> RunInProcessAsync(VerticalJobConfig config, VerticalTable[] tables, string work)
    {
        var parties = Names.Select((n, i) => (Id: new PartyId(n), Party: new VerticalParty(tables[i], work))).ToDictionary(p => p.Id, p => p.Party);
        try
        {
            return await new VerticalJob("reference", config, new VerticalLocalChannel(parties)).RunAsync(CancellationToken.None);
        }
        finally
        {
            foreach (var party in parties.Values)
            {
                party.Dispose();
            }
        }
    }

    private static string Table(string party) => Path.Combine(CliRunner.RepositoryRoot(), "samples", "data", "telco-customer-churn", "parties", $"{party}.csv");

    private static string Schema(string party) => Path.Combine(CliRunner.RepositoryRoot(), "samples", "churn", "parties", $"{party}.schema.json");

    private sealed class InterceptingChannel(IStepChannel inner, Action<PartyId> sending) : IStepChannel
    {
        public Task<ProtocolStepReply> ExchangeAsync(PartyId party, ProtocolStep step, CancellationToken cancellationToken)
        {
            sending(party);
            return inner.ExchangeAsync(party, step, cancellationToken);
        }
    }
}
