namespace Causeway.Fuzz;

/// <summary>An input that broke a parser's contract: an undocumented exception, an allocation past the bound, or no end.</summary>
/// <param name="Kind">The exception's type name, or "hang".</param>
/// <param name="Description">The exception's message and first frames, or how long the input ran.</param>
/// <param name="Input">The input, to save as a regression case.</param>
internal sealed record FuzzFinding(string Kind, string Description, byte[] Input)
{
    /// <summary>The finding with the input's first bytes in hex, for a test failure message.</summary>
    public override string ToString() =>
        $"{Kind}: {Description}\n  input ({Input.Length} bytes): {Convert.ToHexString(Input.AsSpan(0, Math.Min(Input.Length, 256)))}{(Input.Length > 256 ? "..." : "")}";
}
