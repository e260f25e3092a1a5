using System.Diagnostics;
using System.Globalization;
using Causeway.EndToEnd.Tests.Infrastructure;
using Causeway.Vectors;
using Causeway.Vectors.Data;

namespace Causeway.EndToEnd.Tests;

/// <summary>
/// A party's vector store under kill -9: <c>causeway vectors insert</c> prints "acknowledged N" only once a batch is on
/// disk, so every record it acknowledged must be there after the process is killed mid-insert.
/// </summary>
public sealed class VectorStoreCrashTests : IDisposable
{
    private readonly DirectoryInfo _root = Directory.CreateTempSubdirectory("causeway-vector-crash-");

    public void Dispose() => _root.Delete(recursive: true);

    [Fact]
    public async Task Insert_KilledWithSigkillMidway_LosesNoAcknowledgedRecord()
    {
        var random = new Random(3);
        var rows = Enumerable.Range(0, 60_000).Select(_ => Enumerable.Range(0, 32).Select(_ => (float)random.NextDouble()).ToArray()).ToList();
        var input = Path.Combine(_root.FullName, "vectors.fvecs");
        VecFiles.WriteVectors(input, rows);
        var store = Path.Combine(_root.FullName, "store");
        var created = await CliRunner.RunAsync(TimeSpan.FromMinutes(2), "vectors", "create", "--store", store, "--collection", "items", "--dim", "32");
        Assert.True(created.ExitCode == 0, created.Stdout + created.Stderr);

        // Act: insert in batches of 5 and kill the process with SIGKILL once 3,000 records are acknowledged (it can run
        // ahead of this reader by at most a pipe buffer of lines, about 13,000 records).
        var start = new ProcessStartInfo(CliRunner.DotnetHost) { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        foreach (var argument in new[] { CliRunner.Assembly, "vectors", "insert", "--store", store, "--collection", "items", "--from", input, "--batch", "5" })
        {
            start.ArgumentList.Add(argument);
        }

        using var process = Process.Start(start)!;
        var acknowledged = 0;
        while (await process.StandardOutput.ReadLineAsync().DefaultTimeout() is { } line)
        {
            if (line.StartsWith("acknowledged ", StringComparison.Ordinal))
            {
                acknowledged = int.Parse(line.Split(' ')[1], CultureInfo.InvariantCulture);
                if (acknowledged >= 3000)
                {
                    process.Kill();
                    break;
                }
            }
        }

        await process.WaitForExitAsync().DefaultTimeout();

        // Lines written before the kill but not yet read acknowledge more records.
        foreach (var line in (await process.StandardOutput.ReadToEndAsync().DefaultTimeout()).Split('\n'))
        {
            if (line.StartsWith("acknowledged ", StringComparison.Ordinal))
            {
                acknowledged = int.Parse(line.Split(' ')[1], CultureInfo.InvariantCulture);
            }
        }

        // Assert: killed before the end, and every acknowledged record is there with its exact vector.
        Assert.InRange(acknowledged, 3000, rows.Count - 1);
        using var collection = VectorCollection.Open(Path.Combine(store, "items"));
        Assert.InRange(collection.Count, acknowledged, rows.Count - 1);
        Assert.Equal(0, collection.Count % 5);
        for (var i = 0; i < acknowledged; i++)
        {
            Assert.Equal(rows[i], collection.Get(i.ToString(CultureInfo.InvariantCulture))!.Vector);
        }
    }
}
