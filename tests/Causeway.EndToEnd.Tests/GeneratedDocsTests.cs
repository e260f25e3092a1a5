using System.Text.Json;
using System.Text.Json.Nodes;
using Causeway.Cli.Output;
using Causeway.EndToEnd.Tests.Infrastructure;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.DependencyInjection;

namespace Causeway.EndToEnd.Tests;

/// <summary>The reference documents generated from the code are the ones in the repository, and say something about every field.</summary>
public sealed class GeneratedDocsTests
{
    [Fact]
    public void ConfigurationReference_IsTheCommittedFile()
    {
        var committed = File.ReadAllText(Path.Combine(CliRunner.RepositoryRoot(), "docs", "configuration.md")).ReplaceLineEndings("\n");

        var generated = ConfigurationReference.Generate();

        Assert.True(
            committed == generated,
            "docs/configuration.md is not what the code generates; run `./causeway docs configuration > docs/configuration.md` and commit it. "
            + $"First difference at line {FirstDifference(committed, generated)}.");
    }

    [Fact]
    public void ConfigurationReference_ListsTheFieldsUsersAskAbout_EachWithTypeAndMeaning()
    {
        var rows = ConfigurationReference.Generate().Split('\n').Where(l => l.StartsWith("| `", StringComparison.Ordinal)).ToList();
        var fields = rows.ToDictionary(r => r.Split('`')[1], r => r.Split(" | ").Select(c => c.Trim(' ', '|')).ToArray(), StringComparer.Ordinal);

        // Every row says what the field means.
        Assert.All(rows, row => Assert.False(string.IsNullOrWhiteSpace(row.Split(" | ")[^1].TrimEnd('|', ' ')), $"no meaning: {row}"));

        // Fields a newcomer could not find before (issue 13): the schema's format, id and ignore columns, run fields with defaults.
        Assert.Equal("string", fields["format.delimiter"][1]);
        Assert.Contains("Default \",\".", fields["format.delimiter"][^1], StringComparison.Ordinal);
        Assert.Contains("`id` (identifies a row: never a feature", fields["columns[].type"][^1], StringComparison.Ordinal);
        Assert.Contains("`ignore` (read past)", fields["columns[].type"][^1], StringComparison.Ordinal);
        Assert.Equal(["integer", "1"], fields["training.epochs"][1..3]);
        Assert.Equal(["number", "300"], fields["round.deadlineSeconds"][1..3]);
        Assert.Equal("\"fedavg\" \\| \"fedsgd\" \\| \"fedprox\" \\| \"fedavgm\" \\| \"fedadam\" \\| \"fedyogi\" \\| \"fedadagrad\"", fields["strategy.name"][1]);
        Assert.Equal("absent", fields["privacy"][2]);
        Assert.Equal("number", fields["data.testFraction"][1]);
        Assert.Equal(["duration", "00:00:30"], fields["HeartbeatTimeout"][1..3]);

        // Computed values the writer adds are not configuration.
        Assert.DoesNotContain(fields.Keys, name => name.Contains("effective", StringComparison.OrdinalIgnoreCase));
    }

    [Fact]
    public async Task OpenApiDocument_IsServedWithoutAToken_DescribesEveryControlApiRoute_AndIsTheCommittedFile()
    {
        await using var server = await CoordinatorServer.StartAsync();
        using var anonymous = server.CreateAdminClient(token: null);
        var routes = server.Services.GetRequiredService<EndpointDataSource>().Endpoints.OfType<RouteEndpoint>()
            .Where(e => e.RoutePattern.RawText?.StartsWith("/api", StringComparison.Ordinal) == true && e.Metadata.GetMetadata<HttpMethodMetadata>() is not null)
            .Select(e => (Path: e.RoutePattern.RawText!, Method: e.Metadata.GetMetadata<HttpMethodMetadata>()!.HttpMethods.Single().ToLowerInvariant()))
            .ToList();

        var served = await anonymous.GetStringAsync(new Uri("openapi/v1.json", UriKind.Relative)).DefaultTimeout();
        var document = JsonNode.Parse(served)!;
        var path = Path.Combine(CliRunner.RepositoryRoot(), "docs", "openapi.json");
        if (Environment.GetEnvironmentVariable("CAUSEWAY_UPDATE_DOCS") == "1")
        {
            await File.WriteAllTextAsync(path, document.ToJsonString(new JsonSerializerOptions { WriteIndented = true, Encoder = System.Text.Encodings.Web.JavaScriptEncoder.UnsafeRelaxedJsonEscaping }) + "\n");
        }

        var committed = JsonNode.Parse(await File.ReadAllTextAsync(path))!;

        Assert.True(
            JsonNode.DeepEquals(committed, document),
            "docs/openapi.json is not the document the coordinator serves; run `CAUSEWAY_UPDATE_DOCS=1 dotnet test --filter OpenApiDocument` and commit it");
        Assert.Equal(23, routes.Count); // every /api route of ControlApi.Map
        foreach (var (route, method) in routes)
        {
            var operation = document["paths"]?[route]?[method];
            Assert.True(operation is not null, $"{method} {route} is not in the OpenAPI document");
            Assert.False(string.IsNullOrEmpty(operation["summary"]?.GetValue<string>()), $"{method} {route} has no summary");
            Assert.NotNull(operation["responses"]?["401"]);
        }

        Assert.Equal("bearer", document["components"]!["securitySchemes"]!["adminToken"]!["scheme"]!.GetValue<string>());
        Assert.Null(document["paths"]!["/causeway.v1/Join"]); // the protobuf protocol is described by docs/protocol.md
        Assert.Null(document["paths"]!["/dashboard"]);
    }

    private static int FirstDifference(string a, string b)
    {
        var (left, right) = (a.Split('\n'), b.Split('\n'));
        for (var i = 0; i < Math.Min(left.Length, right.Length); i++)
        {
            if (left[i] != right[i])
            {
                return i + 1;
            }
        }

        return Math.Min(left.Length, right.Length) + 1;
    }
}
