using System.Text;

namespace Causeway.Fuzz.Tests;

/// <summary>The harness itself: it must report what it exists to find, or a green fuzz run proves nothing.</summary>
public sealed class ShortRunTests
{
    [Fact]
    public void Run_ParserThrowingOutsideItsContract_ReportsTheExceptionAndTheInput()
    {
        var target = new FakeTarget(input => input.StartsWith("X"u8) ? throw new NullReferenceException("boom") : FuzzOutcome.Accepted);

        var report = ShortRun.Run(target, [Encoding.ASCII.GetBytes("ok"), Encoding.ASCII.GetBytes("X1")], mutations: 0, seed: 1, maxBytes: 64, TimeSpan.FromSeconds(30));

        var finding = Assert.Single(report.Findings);
        Assert.Equal("NullReferenceException", finding.Kind);
        Assert.Equal("X1"u8.ToArray(), finding.Input);
        Assert.Equal(2, report.Inputs);
        Assert.Equal(1, report.Accepted);
    }

    [Fact]
    public void Execute_AllocationPastTheBound_ThrowsNamingTheTarget()
    {
        var target = new FakeTarget(_ =>
        {
            GC.KeepAlive(new byte[FuzzTarget.AllocationAllowanceBytes + (1 << 20)]);
            return FuzzOutcome.Accepted;
        });

        var error = Assert.Throws<AllocationBoundExceededException>(() => target.Execute("abc"u8));

        Assert.StartsWith("fake: an input of 3 bytes made the parser allocate ", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Run_InputThatNeverEnds_IsReportedAsAHangWithItsBytes()
    {
        using var release = new ManualResetEventSlim();
        var target = new FakeTarget(input =>
        {
            if (input.StartsWith("H"u8))
            {
                release.Wait();
            }

            return FuzzOutcome.Refused;
        });

        var report = ShortRun.Run(target, [[1], Encoding.ASCII.GetBytes("Hang")], mutations: 10, seed: 1, maxBytes: 64, TimeSpan.FromSeconds(1));
        release.Set();

        var finding = Assert.Single(report.Findings);
        Assert.Equal("hang", finding.Kind);
        Assert.Equal("Hang"u8.ToArray(), finding.Input);
        Assert.Equal(1, report.Inputs);
    }

    [Fact]
    public void Mutator_SameSeed_SameInputs()
    {
        byte[][] corpus = [[0x0A, 0x03, 0x61, 0x62, 0x63], Encoding.ASCII.GetBytes("{\"a\":1}")];

        var first = new Mutator(new Random(5), corpus, ["\"b\""], 64);
        var second = new Mutator(new Random(5), corpus, ["\"b\""], 64);
        var inputs = Enumerable.Range(0, 200).Select(_ => first.Next()).ToList();

        Assert.All(inputs, input => Assert.Equal(input, second.Next()));
        Assert.All(inputs, input => Assert.InRange(input.Length, 0, 64));
        Assert.True(inputs.Distinct(new BytesComparer()).Count() > 150);
    }

    private sealed class FakeTarget(Func<byte[], FuzzOutcome> run) : FuzzTarget
    {
        public override string Name => "fake";

        public override string Summary => "a test double";

        public override IEnumerable<FuzzSeed> Seeds() => [];

        protected override FuzzOutcome Run(ReadOnlySpan<byte> input) => run(input.ToArray());
    }

    private sealed class BytesComparer : IEqualityComparer<byte[]>
    {
        public bool Equals(byte[]? x, byte[]? y) => x.AsSpan().SequenceEqual(y);

        public int GetHashCode(byte[] obj) => obj.Length;
    }
}
