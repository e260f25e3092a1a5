namespace Causeway.Fuzz;

/// <summary>
/// One parser that bytes from outside the process reach, wrapped so that fuzzers can drive it: the input goes in, the
/// parser accepts it or refuses it with one of its documented exceptions, and anything else escapes as a bug.
/// </summary>
/// <remarks>
/// <para>
/// A target catches exactly the exceptions its parser's XML docs name, at the call that documents them, and returns
/// <see cref="FuzzOutcome.Refused"/>; every other exception (NullReference, IndexOutOfRange, InvalidCast, Overflow, an
/// undocumented ArgumentException...) is left to escape, and AFL records it as a crash.
/// </para>
/// <para>
/// <see cref="Execute"/> also bounds the memory an input may make the parser allocate: a length field that asks for
/// gigabytes is a denial of service even when the allocation happens to succeed.
/// </para>
/// </remarks>
internal abstract class FuzzTarget
{
    /// <summary>The most an input may make a parser allocate: a fixed allowance plus a multiple of the input's length.</summary>
    public const long AllocationAllowanceBytes = 256L << 20;

    /// <summary>Bytes a parser may allocate per input byte beyond <see cref="AllocationAllowanceBytes"/>.</summary>
    public const long AllocationPerInputByte = 64;

    /// <summary>Inputs longer than this are skipped (AFL's own limit is 1 MiB): the harness bounds the work, not a clock.</summary>
    public const int MaxInputBytes = 1 << 20;

    /// <summary>The name on the command line and the corpus folder (<c>fuzz/corpus/&lt;name&gt;</c>).</summary>
    public abstract string Name { get; }

    /// <summary>What the target parses and which exceptions are its contract, for <c>causeway-fuzz list</c>.</summary>
    public abstract string Summary { get; }

    /// <summary>Tokens worth inserting (field names, keywords, boundary numbers): the AFL dictionary and the in-test mutator's.</summary>
    public virtual IReadOnlyList<string> Tokens => [];

    /// <summary>Runs one input and checks the allocation bound.</summary>
    /// <exception cref="AllocationBoundExceededException">The input made the parser allocate more than its bound.</exception>
    public FuzzOutcome Execute(ReadOnlySpan<byte> input)
    {
        if (input.Length > MaxInputBytes)
        {
            return FuzzOutcome.Skipped;
        }

        // Per thread: every target runs synchronously (the async push parser over a MemoryStream never yields).
        var before = GC.GetAllocatedBytesForCurrentThread();
        var outcome = Run(input);
        var allocated = GC.GetAllocatedBytesForCurrentThread() - before;
        var bound = AllocationAllowanceBytes + (AllocationPerInputByte * input.Length);
        return allocated > bound ? throw new AllocationBoundExceededException(Name, input.Length, allocated, bound) : outcome;
    }

    /// <summary>The seed corpus: small valid inputs, produced by the code's own writers where it has them.</summary>
    public abstract IEnumerable<FuzzSeed> Seeds();

    /// <summary>Parses <paramref name="input"/>; returns whether it was accepted or refused within the contract.</summary>
    protected abstract FuzzOutcome Run(ReadOnlySpan<byte> input);
}
