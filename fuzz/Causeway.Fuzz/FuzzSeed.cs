namespace Causeway.Fuzz;

/// <summary>One file of a target's seed corpus.</summary>
/// <param name="Name">The file name in <c>fuzz/corpus/&lt;target&gt;/</c>.</param>
/// <param name="Bytes">The input.</param>
internal sealed record FuzzSeed(string Name, byte[] Bytes);
