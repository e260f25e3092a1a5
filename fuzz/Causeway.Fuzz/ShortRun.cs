using System.Diagnostics;

namespace Causeway.Fuzz;

/// <summary>
/// The deterministic fuzzing run inside <c>dotnet test</c> (and <c>causeway-fuzz smoke</c>): a target's corpus, then
/// seeded mutations of it, through the same <see cref="FuzzTarget.Execute"/> AFL drives.
/// </summary>
/// <remarks>
/// The work is bounded by the input size, not by a clock: no input is failed for being slow. A watchdog on the calling
/// thread only catches non-termination: an input still running after <c>stallLimit</c> (generous, tens of seconds) is
/// reported as a hang with its bytes, and the run stops there (the stuck worker is a background thread).
/// </remarks>
internal static class ShortRun
{
    private const int MaxFindings = 20;

    /// <summary>Runs <paramref name="corpus"/> and then <paramref name="mutations"/> mutated inputs through <paramref name="target"/>.</summary>
    public static ShortRunReport Run(FuzzTarget target, IReadOnlyList<byte[]> corpus, int mutations, int seed, int maxBytes, TimeSpan stallLimit)
    {
        ArgumentNullException.ThrowIfNull(target);
        ArgumentNullException.ThrowIfNull(corpus);
        ArgumentOutOfRangeException.ThrowIfZero(corpus.Count);
        ArgumentOutOfRangeException.ThrowIfNegative(mutations);

        var state = new Progress();
        var findings = new List<FuzzFinding>();
        var seen = new HashSet<string>(StringComparer.Ordinal);
        var accepted = 0;
        var refused = 0;
        var worker = new Thread(() =>
        {
            var mutator = new Mutator(new Random(seed), corpus, target.Tokens, maxBytes);
            var total = corpus.Count + mutations;
            for (var i = 0; i < total; i++)
            {
                var input = i < corpus.Count ? corpus[i] : mutator.Next();
                state.Start(input);
                try
                {
                    switch (target.Execute(input))
                    {
                        case FuzzOutcome.Accepted:
                            accepted++;
                            break;
                        case FuzzOutcome.Refused:
                            refused++;
                            break;
                    }
                }
                catch (Exception e)
                {
                    // One finding per exception type and throwing frame: the first input that shows it.
                    var place = new StackTrace(e, fNeedFileInfo: false).GetFrame(0)?.GetMethod() is { } method ? $"{method.DeclaringType?.FullName}.{method.Name}" : "?";
                    if (seen.Add($"{e.GetType().FullName} at {place}") && findings.Count < MaxFindings)
                    {
                        findings.Add(new FuzzFinding(e.GetType().Name, $"{e.Message} (at {place})", input));
                    }
                }

                state.Finish();
            }
        })
        {
            IsBackground = true,
            Name = $"fuzz {target.Name}",
        };

        worker.Start();
        while (!worker.Join(TimeSpan.FromMilliseconds(200)))
        {
            if (state.Stalled(stallLimit) is { } stuck)
            {
                findings.Add(new FuzzFinding("hang", $"an input still ran after {stallLimit.TotalSeconds:0} s", stuck));
                return new ShortRunReport(target.Name, state.Count, accepted, refused, findings);
            }
        }

        return new ShortRunReport(target.Name, state.Count, accepted, refused, findings);
    }

    // What the worker is running, for the watchdog.
    private sealed class Progress
    {
        private readonly Lock _lock = new();
        private byte[]? _input;
        private long _startedAt;

        public int Count { get; private set; }

        public void Start(byte[] input)
        {
            lock (_lock)
            {
                _input = input;
                _startedAt = Stopwatch.GetTimestamp();
            }
        }

        public void Finish()
        {
            lock (_lock)
            {
                _input = null;
                Count++;
            }
        }

        public byte[]? Stalled(TimeSpan limit)
        {
            lock (_lock)
            {
                return _input is not null && Stopwatch.GetElapsedTime(_startedAt) > limit ? _input : null;
            }
        }
    }
}
