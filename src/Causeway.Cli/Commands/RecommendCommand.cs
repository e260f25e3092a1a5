using System.CommandLine;
using System.Globalization;
using System.Net;
using System.Net.Http.Json;
using Causeway.Cli.Output;
using Causeway.Party;
using Spectre.Console;

namespace Causeway.Cli.Commands;

/// <summary>
/// <c>causeway recommend</c>: asks a ratings party's own endpoint (<c>causeway party --ratings FILE --serve ADDRESS</c>)
/// for a user's top-K list, computed at the party where the user's vector is; <c>--rate</c> folds a new user in first.
/// </summary>
internal static class RecommendCommand
{
    public static Command Create()
    {
        var party = new Option<Uri>("--party")
        {
            Description = "The party's recommendation endpoint, e.g. http://127.0.0.1:8700 (its --serve address).",
            Required = true,
            HelpName = "URL",
        };
        var user = new Option<string>("--user") { Description = "The user's id, as in the party's ratings file (or a new one with --rate).", Required = true };
        var k = new Option<int>("--k") { Description = "The list's length.", DefaultValueFactory = _ => 10 };
        var rate = new Option<string[]>("--rate")
        {
            Description = "Fold a new user in first from these ratings, ITEM=RATING, repeated (no round needed).",
            HelpName = "ITEM=RATING",
            AllowMultipleArgumentsPerToken = true,
        };
        var titles = new Option<FileInfo?>("--titles") { Description = "A CSV of item id, title (e.g. MovieLens movies.csv) to print titles.", HelpName = "FILE" };
        var command = new Command("recommend", "Top-K recommendations for a user, computed at their party (items they rated are left out); --rate folds a new user in.")
        {
            party, user, k, rate, titles,
        };
        command.SetAction(async (parse, cancellationToken) =>
        {
            var endpoint = parse.GetValue(party)!;
            var userId = parse.GetValue(user)!;
            using var http = new HttpClient { BaseAddress = new Uri(endpoint.ToString().TrimEnd('/') + "/"), Timeout = TimeSpan.FromSeconds(30) };
            var ratings = new List<RecommendationServer.ItemRating>();
            foreach (var text in parse.GetValue(rate) ?? [])
            {
                var at = text.LastIndexOf('=');
                if (at <= 0 || !float.TryParse(text[(at + 1)..], NumberStyles.Float, CultureInfo.InvariantCulture, out var value))
                {
                    Console.Error.WriteLine($"recommend: --rate takes ITEM=RATING, e.g. 318=5; got '{text}'.");
                    return 2;
                }

                ratings.Add(new RecommendationServer.ItemRating(text[..at], value));
            }

            try
            {
                if (ratings.Count > 0)
                {
                    using var folded = await http.PutAsJsonAsync(new Uri($"users/{Uri.EscapeDataString(userId)}/ratings", UriKind.Relative), new RecommendationServer.FoldInRequest(ratings), cancellationToken);
                    await RequireSuccessAsync(folded, "fold-in", cancellationToken);
                }

                using var response = await http.GetAsync(new Uri($"recommendations/{Uri.EscapeDataString(userId)}?k={parse.GetValue(k)}", UriKind.Relative), cancellationToken);
                await RequireSuccessAsync(response, "recommend", cancellationToken);
                var list = (await response.Content.ReadFromJsonAsync<RecommendationServer.RecommendationsResponse>(cancellationToken))!;
                var names = parse.GetValue(titles) is { } file ? ReadTitles(file.FullName) : null;
                var table = new Table().Title(Markup.Escape($"Top {list.Items.Count} for user {list.User} (computed at the party)")).AddColumns("#", "item", "score");
                foreach (var (item, index) in list.Items.Select((item, index) => (item, index)))
                {
                    var name = names?.GetValueOrDefault(item.Item) is { } title ? $"{item.Item}  {title}" : item.Item;
                    table.AddRow((index + 1).ToString(CultureInfo.InvariantCulture), Markup.Escape(name), item.Score.ToString("F2", CultureInfo.InvariantCulture));
                }

                AnsiConsole.Write(table);
                return 0;
            }
            catch (HttpRequestException e)
            {
                throw new CliException($"cannot reach the party's endpoint at {endpoint}: {e.Message}", "start the party with --serve ADDRESS and give that address to --party", innerException: e);
            }
        });
        return command;
    }

    /// <summary>Item id to title from a CSV whose first two columns are the id and the title (quoted titles allowed).</summary>
    internal static Dictionary<string, string> ReadTitles(string path)
    {
        var titles = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var line in File.ReadLines(path).Skip(1))
        {
            var comma = line.IndexOf(',', StringComparison.Ordinal);
            if (comma <= 0)
            {
                continue;
            }

            var rest = line[(comma + 1)..];
            var title = rest.StartsWith('"') ? rest[1..rest.IndexOf('"', 1)] : rest.Split(',')[0];
            titles[line[..comma]] = title;
        }

        return titles;
    }

    private static async Task RequireSuccessAsync(HttpResponseMessage response, string what, CancellationToken cancellationToken)
    {
        if (response.IsSuccessStatusCode)
        {
            return;
        }

        var body = await response.Content.ReadAsStringAsync(cancellationToken);
        var detail = System.Text.Json.Nodes.JsonNode.Parse(body.Length > 0 ? body : "{}")?["detail"]?.GetValue<string>() ?? body;
        throw new CliException(
            $"{what}: the party answered {(int)response.StatusCode}: {detail}",
            response.StatusCode == HttpStatusCode.NotFound ? "fold the user in first with --rate ITEM=RATING (a few of their ratings)" : null);
    }
}
