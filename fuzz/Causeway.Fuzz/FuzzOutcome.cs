namespace Causeway.Fuzz;

/// <summary>What a parser did with one input, when it kept to its contract.</summary>
internal enum FuzzOutcome
{
    /// <summary>The input parsed (and passed the checks that follow parsing).</summary>
    Accepted,

    /// <summary>The parser refused the input with a documented exception.</summary>
    Refused,

    /// <summary>The input is longer than <see cref="FuzzTarget.MaxInputBytes"/> and was not run.</summary>
    Skipped,
}
