using Causeway.Privacy.Psi;

namespace Causeway.Privacy.Tests.Psi;

public sealed class PsiIdNormalizerTests
{
    [Fact]
    public void Normalize_TrimNfcAndOptionalCaseFold_GiveOneForm()
    {
        var plain = new PsiIdNormalizer(PsiIdOptions.Default);
        var folded = new PsiIdNormalizer(new PsiIdOptions(CaseFold: true));

        // "é" precomposed (U+00E9) and decomposed (e + U+0301) are the same ID after NFC.
        Assert.Equal("caf\u00e9", plain.Normalize("  cafe\u0301\t", 0));
        Assert.Equal("ABC", plain.Normalize("ABC", 0));
        Assert.Equal("abc", folded.Normalize(" ABC ", 0));
    }

    [Theory]
    [InlineData("", "empty")]
    [InlineData("   ", "empty")]
    public void Normalize_MalformedId_NamesTheRow(string id, string reason)
    {
        var normalizer = new PsiIdNormalizer(PsiIdOptions.Default);

        var error = Assert.Throws<InvalidPsiIdException>(() => normalizer.Normalize(id, 41));

        Assert.Equal(41, error.Row);
        Assert.Contains("row 41", error.Message, StringComparison.Ordinal);
        Assert.Contains(reason, error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Normalize_LoneSurrogate_NamesTheRowAndPosition()
    {
        // Built at run time: theory data would be serialised and the lone surrogate replaced by U+FFFD.
        var id = "ab" + (char)0xD800 + "c";
        var normalizer = new PsiIdNormalizer(PsiIdOptions.Default);

        var error = Assert.Throws<InvalidPsiIdException>(() => normalizer.Normalize(id, 3));

        Assert.Equal(3, error.Row);
        Assert.Contains("not valid UTF-16 (a lone surrogate at character 2)", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Normalize_TooLong_NamesTheRowAndLength()
    {
        var normalizer = new PsiIdNormalizer(new PsiIdOptions(MaxUtf8Bytes: 8));

        var error = Assert.Throws<InvalidPsiIdException>(() => normalizer.Normalize("\u00e9\u00e9\u00e9\u00e9\u00e9", 7));

        Assert.Equal(7, error.Row);
        Assert.Contains("10 UTF-8 bytes", error.Message, StringComparison.Ordinal);
    }
}
