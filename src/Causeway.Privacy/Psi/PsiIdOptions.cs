namespace Causeway.Privacy.Psi;

/// <summary>How IDs are normalised before hashing; every party of a session must use the same options.</summary>
/// <param name="CaseFold">Lower-case IDs (invariant culture) after NFC, so "ABC" and "abc" match. Default: off.</param>
/// <param name="MaxUtf8Bytes">Longest accepted ID in UTF-8 bytes after normalisation. Default: 1024.</param>
public sealed record PsiIdOptions(bool CaseFold = false, int MaxUtf8Bytes = 1024)
{
    /// <summary>Trim and NFC only, IDs up to 1024 UTF-8 bytes.</summary>
    public static PsiIdOptions Default { get; } = new();
}
