using System.Globalization;
using Causeway.Cli.Composition;
using Causeway.Coordinator.Storage;
using Causeway.EndToEnd.Tests.Infrastructure;
using Xunit.Abstractions;

namespace Causeway.EndToEnd.Tests;

/// <summary>
/// The fault suite's short run (the long one is <c>causeway bench faults</c>): one federation of real processes — two
/// coordinators on one SQLite file, the four heart disease hospitals — through every fault of <see cref="FaultDrill"/>
/// once: the active coordinator and the standby SIGKILLed, a party SIGKILLed and restarted, hostile protocol bodies and
/// run configurations, a party on a broken CSV file, and, where network namespaces are permitted (root), a degraded and
/// a cut link between the parties and the coordinators.
/// </summary>
public sealed class FaultSuiteTests(ITestOutputHelper output)
{
    [Fact]
    public async Task EveryFaultOnce_NoRoundLostOrDuplicated_NothingCrashes_EveryHostileInputRefused()
    {
        // A name and subnet of this process's own, so a bench or another test run beside it keeps its link.
        using var link = FaultyLink.TryCreateOwn("cwt", out var whyNot);
        output.WriteLine(link is null ? $"network faults skipped: {whyNot}" : $"parties behind {link.Namespace}, coordinators at {link.HostAddress}");
        var settings = new FaultDrill.Settings { Seed = 5, CoordinatorKills = 1, PartyKills = 1, Epochs = 2000, HostileInputs = 30 };

        await StandbyScenario.RunAsync(
            output,
            postgres: null,
            async (federation, work) =>
            {
                var broken = FaultDrill.BrokenDataParty(
                    new DemoDatasets.PartyFiles("cleveland", Path.Combine(work, "cleveland.train.csv"), Path.Combine(work, "cleveland.eval.csv")),
                    Path.Combine(DemoDatasets.LocateSamples(), "heart", "schema.json"),
                    work,
                    settings.Seed);

                var result = await FaultDrill.RunAsync(federation, link, broken, settings, f => output.WriteLine($"after round {f.AfterRound}: {f.Kind}: {f.Detail}"), CancellationToken.None);

                Assert.Null(result.Failure);
                Assert.Equal(FaultDrill.Schedule(settings, link is not null), result.Faults.Select(f => f.Kind));
                Assert.Equal((0, 0, 0, 0), (result.LostRounds, result.MissingRounds, result.DuplicateRounds, result.DegradedRounds));
                Assert.Empty(result.Crashes);
                Assert.Empty(result.UnexpectedAnswers);
                Assert.Equal(settings.HostileInputs + 1, result.MalformedInputs);
                var failover = Assert.Single(result.Faults, f => f.Kind == FaultDrill.FaultKind.CoordinatorKill);
                output.WriteLine(string.Create(CultureInfo.InvariantCulture, $"failover {failover.FailoverSeconds:F2} s, next round {failover.NextRoundSeconds:F2} s"));
                // Both are measured from the kill. "Serving" is when this process's polling first got an answer, so under load
                // it can come after the standby's first round already closed (stored close time): no order between the two.
                Assert.True(failover.FailoverSeconds > 0 && failover.NextRoundSeconds > 0);
                Assert.True(result.CoordinatorPeakBytes > 0);

                // The store agrees: the run completed, rounds 1..R each closed once, each with all four hospitals.
                await using var store = await SqliteRunStore.OpenAsync(Path.Combine(work, "causeway.db"), null, CancellationToken.None);
                var run = Assert.Single(await store.ListRunsAsync(CancellationToken.None));
                Assert.Equal(RunStatus.Completed, run.Status);
                var rounds = await store.GetRoundsAsync(run.RunId, CancellationToken.None);
                Assert.Equal(Enumerable.Range(1, result.Rounds), rounds.Select(r => r.Round));
                Assert.All(rounds, r => Assert.Equal(StandbyScenario.Parties, r.Participants));

                // The broken party never got in: it stopped on its data, naming the file and the line.
                var log = await File.ReadAllTextAsync(Path.Combine(work, "broken-data.log"));
                Assert.Contains("broken-data.csv:", log, StringComparison.Ordinal);
                Assert.Contains("expected 14 fields", log, StringComparison.Ordinal);
            },
            link);
    }
}
