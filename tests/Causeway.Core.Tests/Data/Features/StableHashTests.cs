using System.Text;
using Causeway.Core.Data;

namespace Causeway.Core.Tests.Data.Features;

public sealed class StableHashTests
{
    // Published MurmurHash3_x86_32 vectors (SMHasher), cross-checked with an independent implementation.
    [Theory]
    [InlineData("", 0u, 0x00000000u)]
    [InlineData("", 1u, 0x514E28B7u)]
    [InlineData("hello", 0u, 0x248BFA47u)]
    [InlineData("test", 0u, 0xBA6BD213u)]
    [InlineData("Hello, world!", 1234u, 0xFAF6CDB3u)]
    [InlineData("The quick brown fox jumps over the lazy dog", 0u, 0x2E4FF723u)]
    [InlineData("café", 0u, 0x241C0F08u)]
    public void Murmur3_KnownVectors_Match(string text, uint seed, uint expected)
    {
        Assert.Equal(expected, StableHash.Murmur3(text, seed));
        Assert.Equal(expected, StableHash.Murmur3(Encoding.UTF8.GetBytes(text), seed));
    }

    [Fact]
    public void Murmur3_AllOnesBlock_MatchesVector()
    {
        Assert.Equal(0x76293B50u, StableHash.Murmur3([0xff, 0xff, 0xff, 0xff]));
    }

    [Fact]
    public void Murmur3_LongText_UsesPooledBufferWithSameResult()
    {
        var text = new string('x', 1000);

        Assert.Equal(StableHash.Murmur3(Encoding.UTF8.GetBytes(text)), StableHash.Murmur3(text));
    }

    // Pinned bucket and sign: string.GetHashCode is randomised per process, so equal values in every test run (and on
    // every party) show the hash is stable across processes and machines.
    [Theory]
    [InlineData("hello", 1024, 583, 1)]
    [InlineData("test", 1024, 531, -1)]
    [InlineData("hello", 1000, 351, 1)]
    public void Hash_Token_IsPinned(string token, int dimension, int index, int sign)
    {
        Assert.Equal((index, sign), HashingVectorizer.Hash(token, dimension));
    }
}
