using System.Text.Json;
using Causeway.Core.Metrics;
using Causeway.Core.Tensors;
using Causeway.Federation.Horizontal;
using Causeway.Federation.Reporting;

namespace Causeway.Federation.Tests.Reporting;

public sealed class RunReportTests
{
    private static RunResult Result(Evaluation? centralized) => new(
        [
            new RoundSummary(1, 3, 2, [new PartyFailure(TestData.Party(2), FailureKind.Straggler, "late")], true, 0.7, null, 1.5, 96),
            new RoundSummary(2, 3, 3, [], true, 0.6, new Evaluation(50, 0.4, Accuracy: 0.8), 1.25, 144, SlowestTrainSeconds: 0.75),
        ],
        new ParameterSet(TestData.Layout()),
        null,
        new Evaluation(50, 0.4, Accuracy: 0.8),
        centralized,
        3.5);

    [Fact]
    public void ToJson_RunResult_HasExactlyTheDocumentedFields()
    {
        var json = RunReport.From("adult-fedavg", Result(null)).ToJson();

        using var document = JsonDocument.Parse(json);
        var root = document.RootElement;
        Assert.Equal(
            ["name", "rounds", "final", "centralized", "seconds", "privacy", "stoppedEarly", "degradedRounds", "failure"],
            root.EnumerateObject().Select(p => p.Name));
        Assert.Equal(JsonValueKind.Null, root.GetProperty("privacy").ValueKind);
        Assert.Equal(JsonValueKind.Null, root.GetProperty("stoppedEarly").ValueKind);
        Assert.Equal((0, JsonValueKind.Null), (root.GetProperty("degradedRounds").GetInt32(), root.GetProperty("failure").ValueKind));
        Assert.Equal("adult-fedavg", root.GetProperty("name").GetString());
        Assert.Equal(JsonValueKind.Null, root.GetProperty("centralized").ValueKind);
        Assert.Equal(3.5, root.GetProperty("seconds").GetDouble());
        var rounds = root.GetProperty("rounds").EnumerateArray().ToArray();
        Assert.Equal(
            ["round", "loss", "accuracy", "participants", "failures", "bytes", "seconds", "slowestPartySeconds", "epsilon", "sampleEpsilon", "problem"],
            rounds[0].EnumerateObject().Select(p => p.Name));
        Assert.Equal(JsonValueKind.Null, rounds[0].GetProperty("loss").ValueKind);
        Assert.Equal(1, rounds[0].GetProperty("failures").GetInt32());
        Assert.Equal(0.8, rounds[1].GetProperty("accuracy").GetDouble());
        Assert.Equal(144, rounds[1].GetProperty("bytes").GetInt64());
        Assert.Equal(JsonValueKind.Null, rounds[0].GetProperty("slowestPartySeconds").ValueKind);
        Assert.Equal(0.75, rounds[1].GetProperty("slowestPartySeconds").GetDouble());
        Assert.Equal(["accuracy", "loss", "rocAuc", "f1", "rmse"], root.GetProperty("final").EnumerateObject().Select(p => p.Name));
    }

    [Fact]
    public void From_FailedRun_ReportsDegradedRoundsAndTheFailure()
    {
        var failed = Result(null) with
        {
            Rounds = [new RoundSummary(1, 2, 1, [], false, 0.7, null, 1, 48, Problem: "1 updates accepted; the round needs at least 2")],
            Failure = "1 of the run's 1 rounds failed",
        };

        var report = RunReport.From("r", failed);

        Assert.Equal((1, "1 of the run's 1 rounds failed"), (report.DegradedRounds, report.Failure));
    }

    [Fact]
    public async Task WriteToAsync_WithCentralized_RoundTrips()
    {
        var report = RunReport.From("x", Result(new Evaluation(50, double.NaN, Accuracy: 0.9)));
        using var stream = new MemoryStream();

        await report.WriteToAsync(stream, CancellationToken.None);
        var back = RunReport.Parse(System.Text.Encoding.UTF8.GetString(stream.ToArray()));

        Assert.Equal(0.9, back.Centralized!.Accuracy);
        Assert.True(double.IsNaN(back.Centralized.Loss));
        Assert.Equal(report.Rounds, back.Rounds);
    }
}
