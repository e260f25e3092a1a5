using Causeway.Core.Data;
using Causeway.Federation.Recommendation.Data;

namespace Causeway.Federation.Tests.Recommendation;

public sealed class RatingsReaderTests
{
    [Fact]
    public void Read_MovieLensCsvWithHeaderAndCrlf_MapsIdsInOrderOfFirstAppearance()
    {
        var data = Read("userId,movieId,rating,timestamp\r\n10,7,4.0,964982703\r\n10,3,3.5,964981247\r\n2,7,5,964983815\r\n");

        Assert.Equal(3, data.Count);
        Assert.Equal(["10", "2"], data.UserIds);
        Assert.Equal(["7", "3"], data.ItemIds);
        Assert.Equal([0, 0, 1], data.Users.ToArray());
        Assert.Equal([0, 1, 0], data.Items.ToArray());
        Assert.Equal([4f, 3.5f, 5f], data.Ratings.ToArray());
        Assert.Equal([964982703L, 964981247L, 964983815L], data.Timestamps.ToArray());
    }

    [Theory]
    [InlineData("196\t242\t3\t881250949\n186\t302\t3\t891717742\n")]
    [InlineData("196::242::3::881250949\n186::302::3::891717742\n")]
    [InlineData("196,242,3,881250949\n\n186,302,3,891717742\n")]
    [InlineData(" 196 , 242 , 3 , 881250949\n186,302,3.0,891717742")]
    public void Read_SeparatorsWithoutHeader_ReadTheSameRatings(string text)
    {
        var data = Read(text);

        Assert.Equal(["196", "186"], data.UserIds);
        Assert.Equal(["242", "302"], data.ItemIds);
        Assert.Equal([3f, 3f], data.Ratings.ToArray());
        Assert.True(data.HasTimestamps);
    }

    [Fact]
    public void Read_ThreeFields_HasNoTimestamps()
    {
        var data = Read("user,item,rating\nalice,book-1,1\nbob,book-1,0.5\n");

        Assert.False(data.HasTimestamps);
        Assert.Equal(0, data.Timestamps.Length);
        Assert.Equal(["alice", "bob"], data.UserIds);
    }

    [Fact]
    public void Read_IdsAreStrings_LeadingZerosMakeAnotherUser()
    {
        var data = Read("7,1,4\n007,1,3\n");

        Assert.Equal(["7", "007"], data.UserIds);
    }

    [Theory]
    [InlineData("u,i,r,t\n1,2,3,4\n1,3,4\n", 3, "expected 4 fields separated by ',' as in the first row, found 3 fields")]
    [InlineData("1,2,3\n1,3,x\n", 2, "column 'rating': 'x' is not a finite number")]
    [InlineData("user,item,rating,when\n1,2,3,yesterday\n", 2, "column 'when': 'yesterday' is not an integer timestamp")]
    [InlineData("1,2,3\n,3,4\n", 2, "column 'user': the id is empty")]
    [InlineData("1,2,3\n1,3,NaN\n", 2, "'NaN' is not a finite number")]
    [InlineData("1,2,3\n5,6,1\n1,2,4\n", 3, "user '1' rates item '2' a second time (first at line 1)")]
    [InlineData("1,2\n", 1, "expected user,item,rating[,timestamp], found 2 fields")]
    [InlineData("1\t2\t3\t4\t5\n", 1, "found more than 4 fields")]
    public void Read_BadRow_ThrowsNamingFileLineAndProblem(string text, int line, string problem)
    {
        var error = Assert.Throws<DataFormatException>(() => Read(text));

        Assert.Equal("ratings.csv", error.SourceName);
        Assert.Equal(line, error.Line);
        Assert.StartsWith($"ratings.csv:{line}", error.Message, StringComparison.Ordinal);
        Assert.Contains(problem, error.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("")]
    [InlineData("userId,movieId,rating,timestamp\n\n")]
    public void Read_NoRatings_Throws(string text)
    {
        var error = Assert.Throws<DataFormatException>(() => Read(text));

        Assert.Equal("ratings.csv: the file holds no ratings", error.Message);
    }

    [Fact]
    public void Read_BundledMovieLens_HasTheDocumentedCounts()
    {
        var path = Path.Combine(RepositoryRoot(), "samples", "data", "movielens-latest-small", "ratings.csv");
        using var file = File.OpenRead(path);

        var data = RatingsReader.Read(file, path);

        // README.txt: 100836 ratings by 610 users; 9,724 of the 9,742 movies are rated.
        Assert.Equal(100_836, data.Count);
        Assert.Equal(610, data.UserCount);
        Assert.Equal(9_724, data.ItemCount);
        Assert.Equal((0.5f, 5f), data.RatingRange());
    }

    internal static RatingsData Read(string text) => RatingsReader.Read(new StringReader(text), "ratings.csv");

    internal static string RepositoryRoot()
    {
        var directory = new DirectoryInfo(AppContext.BaseDirectory);
        while (directory is not null && !File.Exists(Path.Combine(directory.FullName, "Causeway.slnx")))
        {
            directory = directory.Parent;
        }

        return directory?.FullName ?? throw new InvalidOperationException("The tests run outside the repository.");
    }
}
