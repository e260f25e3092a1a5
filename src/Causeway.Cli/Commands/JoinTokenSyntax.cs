using System.Globalization;

namespace Causeway.Cli.Commands;

/// <summary>
/// The <c>--join-token</c> value: <c>TOKEN</c> or <c>TOKEN@EXPIRY</c>, the expiry an ISO-8601 time read as UTC unless it
/// carries an offset (<c>2026-12-31</c>, <c>2026-12-31T18:00Z</c>, <c>2026-12-31T18:00+01:00</c>). The token is
/// everything before the last <c>@</c>, so a token that contains <c>@</c> must be given with an expiry.
/// </summary>
internal static class JoinTokenSyntax
{
    private static readonly string[] Formats =
        ["yyyy-MM-dd", "yyyy-MM-dd'T'HH:mmK", "yyyy-MM-dd'T'HH:mm:ssK", "yyyy-MM-dd'T'HH:mm:ss.FFFFFFFK"];

    /// <summary>Splits a value into its token and optional expiry; returns an error message naming the option instead when it is invalid.</summary>
    public static (string Token, DateTimeOffset? ExpiresAt, string? Error) Parse(string value)
    {
        ArgumentNullException.ThrowIfNull(value);
        var at = value.LastIndexOf('@');
        if (at < 0)
        {
            return value.Length == 0 ? (value, null, "--join-token: the token is empty") : (value, null, null);
        }

        var token = value[..at];
        var expiry = value[(at + 1)..];
        if (token.Length == 0)
        {
            return (token, null, "--join-token: the token before '@' is empty");
        }

        return DateTimeOffset.TryParseExact(
            expiry, Formats, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal | DateTimeStyles.AdjustToUniversal, out var expiresAt)
            ? (token, expiresAt, null)
            : (token, null, $"--join-token: '{expiry}' after the last '@' is not an expiry time such as 2026-12-31 or 2026-12-31T18:00Z");
    }
}
