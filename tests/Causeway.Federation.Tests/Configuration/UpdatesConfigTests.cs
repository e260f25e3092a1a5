using Causeway.Federation.Configuration;
using Causeway.Federation.Horizontal.Buffered;

namespace Causeway.Federation.Tests.Configuration;

public sealed class UpdatesConfigTests
{
    private static RunConfig Parse(string updates, string extra = "") =>
        RunConfig.Parse($$"""{ "data": { "schema": "s.json", "train": "t.csv" }, "partition": { "parties": 10 }, "updates": {{updates}} {{extra}} }""", "run.json");

    [Fact]
    public void Parse_NoUpdatesSection_IsSynchronousWithoutPacing()
    {
        var options = RunConfig.Parse("""{ "data": { "schema": "s.json", "train": "t.csv" } }""", "run.json").ToRoundEngineOptions();

        Assert.Null(options.Buffered);
        Assert.Equal(TimeSpan.Zero, options.MinTimeBetweenTasks);
    }

    [Fact]
    public void Parse_AsyncSection_ReadsEveryFieldIntoTheEngineOptions()
    {
        var config = Parse("""{ "mode": "async", "bufferSize": 4, "maxStaleness": 3, "staleness": "polynomial", "stalenessExponent": 1, "concurrency": 6, "minSecondsBetweenTasks": 2.5 }""");

        Assert.Empty(config.Validate());
        var options = config.ToRoundEngineOptions();
        Assert.Equal(new BufferedUpdates { BufferSize = 4, MaxStaleness = 3, Staleness = StalenessFunction.Polynomial, StalenessExponent = 1, Concurrency = 6 }, options.Buffered);
        Assert.Equal(TimeSpan.FromSeconds(2.5), options.MinTimeBetweenTasks);
    }

    [Fact]
    public void Parse_AsyncWithDefaults_StatesFedBuffsDefaults()
    {
        var buffered = Parse("""{ "mode": "async" }""").ToRoundEngineOptions().Buffered!;

        Assert.Equal((10, 10, StalenessFunction.Polynomial, 0.5, (int?)null), (buffered.BufferSize, buffered.MaxStaleness, buffered.Staleness, buffered.StalenessExponent, buffered.Concurrency));
    }

    [Fact]
    public void Validate_AsyncFieldsInSyncMode_NameEachField()
    {
        var errors = Parse("""{ "bufferSize": 4, "concurrency": 2, "minSecondsBetweenTasks": 1 }""").Validate();

        Assert.Equal(["updates.bufferSize is only valid with \"mode\": \"async\"", "updates.concurrency is only valid with \"mode\": \"async\""], errors);
    }

    [Fact]
    public void Validate_BadAsyncValues_NameFieldAndValue()
    {
        var errors = Parse("""{ "mode": "async", "bufferSize": 0, "maxStaleness": -1, "stalenessExponent": -0.5, "concurrency": 0, "minSecondsBetweenTasks": -1 }""").Validate();

        Assert.Contains("updates.minSecondsBetweenTasks must be a non-negative number of seconds, got -1", errors);
        Assert.Contains("updates.bufferSize must be at least 1, got 0", errors);
        Assert.Contains("updates.maxStaleness must be 0 or more (model versions), got -1", errors);
        Assert.Contains("updates.stalenessExponent must be a non-negative number, got -0.5", errors);
        Assert.Contains("updates.concurrency must be at least 1, got 0", errors);
    }

    [Fact]
    public void Validate_BufferLargerThanPartiesOrConcurrency_IsRefused()
    {
        Assert.Contains(
            "updates.bufferSize (11) exceeds the run's 10 parties: a buffer takes at most one update per party, so it could never fill",
            Parse("""{ "mode": "async", "bufferSize": 11 }""").Validate());
        Assert.Contains(
            "updates.bufferSize (5) exceeds updates.concurrency (4): a buffer takes at most one update per party, so it could never fill",
            Parse("""{ "mode": "async", "bufferSize": 5, "concurrency": 4 }""").Validate());
        Assert.Contains(
            "updates.bufferSize (10) exceeds the 3 connected parties: a buffer takes at most one update per party, so it could never fill",
            Parse("""{ "mode": "async" }""").ValidateRoster(3));
        Assert.Contains(
            "updates.stalenessExponent is only valid with \"staleness\": \"polynomial\"",
            Parse("""{ "mode": "async", "staleness": "constant", "stalenessExponent": 1 }""").Validate());
    }

    [Fact]
    public void Validate_AsyncWithSecureAggregationOrPrivacy_SaysWhy()
    {
        var secagg = Parse("""{ "mode": "async", "bufferSize": 4 }""", """, "protection": { "kind": "secagg" }""").Validate();
        var dp = Parse("""{ "mode": "async", "bufferSize": 4 }""", """, "privacy": { "client": { "noiseMultiplier": 1, "clipNorm": 1 } }""").Validate();

        Assert.Contains(secagg, e => e.StartsWith("updates.mode async cannot be protected (protection.kind): secure aggregation and Paillier need a fixed cohort", StringComparison.Ordinal));
        Assert.Contains(dp, e => e.StartsWith("updates.mode async cannot be differentially private (privacy)", StringComparison.Ordinal));
    }

    [Fact]
    public void Parse_UnknownModeOrStaleness_ListsTheNames()
    {
        var mode = Assert.Throws<RunConfigException>(() => Parse("""{ "mode": "fedbuff" }"""));
        var staleness = Assert.Throws<RunConfigException>(() => Parse("""{ "mode": "async", "staleness": "hinge" }"""));

        Assert.Contains("updates.mode", mode.Message, StringComparison.Ordinal);
        Assert.Contains("expected one of \"sync\", \"async\"", mode.Message, StringComparison.Ordinal);
        Assert.Contains("expected one of \"constant\", \"polynomial\"", staleness.Message, StringComparison.Ordinal);
    }
}
