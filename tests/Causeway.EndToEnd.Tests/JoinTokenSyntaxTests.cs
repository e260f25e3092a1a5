using Causeway.Cli.Commands;
using Causeway.EndToEnd.Tests.Infrastructure;

namespace Causeway.EndToEnd.Tests;

/// <summary>The coordinator's <c>--join-token TOKEN[@EXPIRY]</c> syntax.</summary>
public sealed class JoinTokenSyntaxTests
{
    [Theory]
    [InlineData("s3cret", "s3cret", null)]
    [InlineData("s3cret@2026-12-31", "s3cret", "2026-12-31T00:00:00+00:00")]
    [InlineData("s3cret@2026-12-31T18:30Z", "s3cret", "2026-12-31T18:30:00+00:00")]
    [InlineData("s3cret@2026-12-31T18:30+01:00", "s3cret", "2026-12-31T17:30:00+00:00")]
    [InlineData("a@b@2026-12-31T18:30:15Z", "a@b", "2026-12-31T18:30:15+00:00")]
    public void Parse_Valid_SplitsTokenAndUtcExpiry(string value, string token, string? expiry)
    {
        var (parsed, expiresAt, error) = JoinTokenSyntax.Parse(value);

        Assert.Null(error);
        Assert.Equal(token, parsed);
        Assert.Equal(expiry is null ? null : DateTimeOffset.Parse(expiry, System.Globalization.CultureInfo.InvariantCulture), expiresAt);
        Assert.Equal(TimeSpan.Zero, expiresAt?.Offset ?? TimeSpan.Zero);
    }

    [Theory]
    [InlineData("s3cret@tomorrow", "--join-token: 'tomorrow' after the last '@' is not an expiry time such as 2026-12-31 or 2026-12-31T18:00Z")]
    [InlineData("@2026-12-31", "--join-token: the token before '@' is empty")]
    public void Parse_Invalid_SaysWhy(string value, string expected)
    {
        Assert.Equal(expected, JoinTokenSyntax.Parse(value).Error);
    }

    [Fact]
    public async Task Coordinator_BadExpiry_ExitsWithTheReason_AndHelpShowsTheSyntax()
    {
        var (exitCode, _, stderr) = await CliRunner.RunAsync(
            Infrastructure.TaskExtensions.DefaultTimeoutSpan, "coordinator", "--join-token", "s3cret@someday", "--admin-token", "admin");
        var (helpCode, help, _) = await CliRunner.RunAsync(Infrastructure.TaskExtensions.DefaultTimeoutSpan, "coordinator", "--help");

        Assert.Equal(2, exitCode);
        Assert.Contains("--join-token: 'someday' after the last '@' is not an expiry time", stderr, StringComparison.Ordinal);
        Assert.Equal(0, helpCode);
        Assert.Contains("TOKEN[@EXPIRY]", help, StringComparison.Ordinal);
        Assert.Contains("--stats-epsilon-budget", help, StringComparison.Ordinal);
    }
}
