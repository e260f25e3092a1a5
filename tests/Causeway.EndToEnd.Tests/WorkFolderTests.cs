using Causeway.Cli.Composition;
using Causeway.Cli.Output;

namespace Causeway.EndToEnd.Tests;

/// <summary>Demos and benches write only into folders the CLI made, and clean only those (the marker says which).</summary>
public sealed class WorkFolderTests : IDisposable
{
    private readonly string _root = Directory.CreateTempSubdirectory("causeway-work-folder-test-").FullName;

    [Fact]
    public void CreateUnique_TwiceAtTheSameInstant_GivesTwoMarkedFolders()
    {
        var clock = new FixedClock(new DateTimeOffset(2026, 3, 1, 12, 30, 5, TimeSpan.Zero));

        using var first = WorkFolder.CreateUnique(_root, "causeway demo", clock);
        using var second = WorkFolder.CreateUnique(_root, "causeway demo", clock);

        Assert.NotEqual(first.Path, second.Path);
        Assert.StartsWith(Path.Combine(_root, "20260301-123005-"), first.Path, StringComparison.Ordinal);
        Assert.StartsWith(Path.Combine(_root, "20260301-123005-"), second.Path, StringComparison.Ordinal);
        Assert.Equal([WorkFolder.MarkerFile], Directory.GetFileSystemEntries(first.Path).Select(Path.GetFileName));
    }

    [Fact]
    public void Claim_FolderWithTheUsersFiles_IsRefusedAndKeepsThem()
    {
        var folder = Path.Combine(_root, "mine");
        Directory.CreateDirectory(folder);
        File.WriteAllText(Path.Combine(folder, "notes.txt"), "keep me");

        var e = Assert.Throws<CliException>(() => WorkFolder.Claim(folder, "--work-dir", "causeway demo"));

        Assert.Equal($"--work-dir {folder} holds files causeway did not put there; nothing was deleted", e.Message);
        Assert.Equal("keep me", File.ReadAllText(Path.Combine(folder, "notes.txt")));
        Assert.False(File.Exists(Path.Combine(folder, WorkFolder.MarkerFile)));
    }

    [Fact]
    public void Claim_MissingOrEmptyFolder_IsMarked()
    {
        var missing = Path.Combine(_root, "new");
        var empty = Directory.CreateDirectory(Path.Combine(_root, "empty")).FullName;

        using (WorkFolder.Claim(missing, "--work-dir", "causeway demo"))
        using (WorkFolder.Claim(empty, "--work-dir", "causeway demo"))
        {
        }

        Assert.True(File.Exists(Path.Combine(missing, WorkFolder.MarkerFile)));
        Assert.True(File.Exists(Path.Combine(empty, WorkFolder.MarkerFile)));
    }

    [Fact]
    public void Claim_FolderAnEarlierRunMade_IsCleanedButForTheMarker()
    {
        var folder = Path.Combine(_root, "earlier");
        using (var earlier = WorkFolder.Claim(folder, "--work-dir", "causeway demo"))
        {
            File.WriteAllText(Path.Combine(earlier.Path, "coordinator.log"), "old");
            Directory.CreateDirectory(Path.Combine(earlier.Path, "certs"));
            File.WriteAllText(Path.Combine(earlier.Path, "certs", "ca.crt.pem"), "old");
        }

        using var again = WorkFolder.Claim(folder, "--work-dir", "causeway demo");

        Assert.Equal([WorkFolder.MarkerFile], Directory.GetFileSystemEntries(folder).Select(Path.GetFileName));
    }

    [Fact]
    public void Claim_FolderInUse_IsRefusedAndKeepsTheOtherRunsFiles()
    {
        var folder = Path.Combine(_root, "busy");
        using var running = WorkFolder.Claim(folder, "--work-dir", "causeway demo");
        File.WriteAllText(Path.Combine(folder, "coordinator.log"), "running");

        var e = Assert.Throws<CliException>(() => WorkFolder.Claim(folder, "--work-dir", "causeway demo"));

        Assert.Equal($"--work-dir {folder} is in use by another causeway process", e.Message);
        Assert.Equal("running", File.ReadAllText(Path.Combine(folder, "coordinator.log")));
    }

    public void Dispose()
    {
        try
        {
            Directory.Delete(_root, recursive: true);
        }
        catch (IOException)
        {
        }
    }

    private sealed class FixedClock(DateTimeOffset now) : TimeProvider
    {
        public override DateTimeOffset GetUtcNow() => now;
    }
}
