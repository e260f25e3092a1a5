using System.Net;
using System.Text.Json.Nodes;
using Causeway.Core.Data;
using Causeway.EndToEnd.Tests.Infrastructure;
using Causeway.Federation.Horizontal;

namespace Causeway.EndToEnd.Tests;

/// <summary>
/// The federated mode of <c>causeway schema merge</c>: each party joins with the schema it inferred from its own rows,
/// and the operator gets their union from the coordinator, which already sees every party's schema at Join (no party
/// sees another's). Run as the real CLI against a real coordinator.
/// </summary>
public sealed class FederatedSchemaMergeTests : IDisposable
{
    private readonly string _root = Directory.CreateTempSubdirectory("causeway-schema-merge-").FullName;

    [Fact]
    public async Task SchemaMerge_FromTheCoordinator_UnionsTheCategoriesTheConnectedPartiesSaw()
    {
        await using var server = await CoordinatorServer.StartAsync();
        using var north = server.CreateClient("branch-north");
        using var east = server.CreateClient("branch-east");
        await north.JoinAsync(Describe("city,amount,churn\nnorth,10,yes\nsouth,12,no\nnorth,8,no\nsouth,15,yes\nnorth,9,no\n"), CancellationToken.None).DefaultTimeout();
        await east.JoinAsync(Describe("city,amount,churn\neast,11,no\nsouth,7,yes\neast,13,no\neast,9,yes\nsouth,6,no\n"), CancellationToken.None).DefaultTimeout();
        var ca = Path.Combine(_root, "ca.crt.pem");
        await File.WriteAllTextAsync(ca, server.Authority.ExportCertificatePem());
        var output = Path.Combine(_root, "schema.json");

        var (exitCode, stdout, stderr) = await CliRunner.RunAsync(
            Infrastructure.TaskExtensions.DefaultTimeoutSpan,
            "schema", "merge", "--coordinator", server.Address.ToString(), "--ca", ca, "--admin-token", CoordinatorServer.AdminToken, "--out", output);

        Assert.True(exitCode == 0, $"exit {exitCode}\n{stdout}\n{stderr}");
        Assert.Contains("merged the schemas of branch-east, branch-north", stderr, StringComparison.Ordinal);
        var merged = DataSchema.Parse(await File.ReadAllTextAsync(output), output);
        Assert.Equal(["east", "north", "south"], merged.Columns.Single(c => c.Name == "city").Categories.Order(StringComparer.Ordinal));
        Assert.Equal(["city", "amount", "churn"], merged.Columns.Select(c => c.Name));
    }

    [Fact]
    public async Task MergedSchema_NoPartyDescribedATable_Is409SayingSo()
    {
        await using var server = await CoordinatorServer.StartAsync();
        using var arbiter = server.CreateClient("arbiter");
        await arbiter.JoinAsync(null, CancellationToken.None).DefaultTimeout();
        using var admin = server.CreateAdminClient();

        using var response = await admin.GetAsync(new Uri("api/schemas/merged", UriKind.Relative)).DefaultTimeout();

        Assert.Equal(HttpStatusCode.Conflict, response.StatusCode);
        Assert.Equal(
            "no connected party has described a table (start parties with --data and --schema)",
            JsonNode.Parse(await response.Content.ReadAsStringAsync())!["error"]!.GetValue<string>());
    }

    public void Dispose() => Directory.Delete(_root, recursive: true);

    // The party's own draft, as `causeway schema infer` writes it from its rows, and the statistics of those rows.
    private DataDescription Describe(string csv)
    {
        var path = Path.Combine(_root, $"{Guid.NewGuid():N}.csv");
        File.WriteAllText(path, csv);
        var draft = SchemaInference.Infer(path, new SchemaInferenceOptions { Label = "churn" });
        return DataDescription.Of(draft.Json, TableReader.Read(path, draft.Schema));
    }
}
