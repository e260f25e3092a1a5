namespace Causeway.Fuzz.Tests;

/// <summary>
/// The short fuzzing run of every target inside <c>dotnet test</c>: the repository corpus (fuzz/corpus/&lt;target&gt;, with
/// every crash AFL found kept there as a regression input) and the seeds, then seeded mutations. Fails on any exception
/// outside a parser's contract, an allocation past the bound, or an input that never ends; never on time.
/// </summary>
public sealed class ShortFuzzTests
{
    private const int Mutations = 4000;
    private const int Seed = 20240907;

    public static TheoryData<string> Targets() => [.. FuzzTargets.All.Select(t => t.Name)];

    [Theory]
    [MemberData(nameof(Targets))]
    public void Target_CorpusAndSeededMutations_StayWithinTheContract(string name)
    {
        var target = FuzzTargets.Find(name)!;
        var corpus = Corpus.Load(target);

        var report = ShortRun.Run(target, corpus, Mutations, Seed, maxBytes: 64 * 1024, stallLimit: TimeSpan.FromSeconds(60));

        Assert.True(report.Findings.Count == 0, string.Join("\n", report.Findings));
        Assert.Equal(corpus.Count + Mutations, report.Inputs);

        // The run reaches past the first checks: some inputs parse, some are refused.
        Assert.InRange(report.Accepted, 1, report.Inputs - 1);
        Assert.Equal(report.Inputs, report.Accepted + report.Refused);
    }

    [Theory]
    [MemberData(nameof(Targets))]
    public void Corpus_EveryTargetHasACommittedCorpus_AndItsSeedsParse(string name)
    {
        var target = FuzzTargets.Find(name)!;

        var files = Directory.GetFiles(Path.Combine(Corpus.Root, target.Name));
        var seedOutcomes = target.Seeds().Select(s => target.Execute(s.Bytes)).ToList();

        Assert.NotEmpty(files);
        Assert.All(files, f => Assert.InRange(new FileInfo(f).Length, 0, 64 * 1024));
        Assert.Contains(FuzzOutcome.Accepted, seedOutcomes);
    }
}
