using Causeway.Core.Data;

namespace Causeway.Core.Tests.Data.Features;

public sealed class TokenizerTests
{
    [Theory]
    [InlineData("Good case, Excellent value.", new[] { "good", "case", "excellent", "value" })]
    [InlineData("Wow... Loved this place!!!", new[] { "wow", "loved", "this", "place" })]
    [InlineData("I don't like it; it’s 10x worse", new[] { "i", "don't", "like", "it", "it's", "10x", "worse" })]
    [InlineData("'quoted' rock'n'roll ends'", new[] { "quoted", "rock'n'roll", "ends" })]
    [InlineData("slow-moving\tfilm\u0085next", new[] { "slow", "moving", "film", "next" })]
    [InlineData("ΚΑΛΗ Ταινία, ОТЛИЧНО", new[] { "καλη", "ταινία", "отлично" })]
    [InlineData("美味しい料理 🍣 great", new[] { "美味しい料理", "great" })]
    [InlineData("𝐀𝐁C x²", new[] { "𝐀𝐁c", "x" })]
    [InlineData("", new string[0])]
    [InlineData("  ... !!! ", new string[0])]
    public void Tokenize_Text_GivesLowerCaseWords(string text, string[] expected)
    {
        Assert.Equal(expected, Tokenizer.Plain.Tokenize(text));
    }

    [Fact]
    public void Tokenize_CombiningAccent_StaysInsideTheWord()
    {
        var decomposed = "Cafe\u0301 NAI\u0308VE";

        Assert.Equal(["cafe\u0301", "nai\u0308ve"], Tokenizer.Plain.Tokenize(decomposed));
        Assert.Equal(["café", "naïve"], Tokenizer.Plain.Tokenize("Café NAÏVE"));
    }

    [Fact]
    public void Tokenize_StopWords_AreDroppedAfterLowerCasing()
    {
        var tokenizer = new Tokenizer(new HashSet<string> { "the", "a" });

        Assert.Equal(["movie", "was", "great"], tokenizer.Tokenize("The movie was A great"));
    }

    [Fact]
    public void Tokenize_Null_IsEmpty()
    {
        Assert.Empty(Tokenizer.Plain.Tokenize(null));
    }
}
