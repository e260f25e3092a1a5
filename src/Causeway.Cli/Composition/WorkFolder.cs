using System.Globalization;
using System.Security.Cryptography;
using Causeway.Cli.Output;

namespace Causeway.Cli.Composition;

/// <summary>
/// The folder a demo or bench writes its certificates, data splits, logs and database into. It is one the CLI made:
/// a <see cref="MarkerFile"/> says so, and only a folder with that file is ever cleaned. The marker is held open
/// exclusively while the command runs, so a second command on the same folder is refused instead of wiping the first's.
/// </summary>
/// <remarks>
/// Default folders are new for every run (<see cref="CreateUnique"/>). A folder the user names (<see cref="Claim"/>) must
/// not exist yet, be empty, or hold the marker of an earlier run (then its contents are deleted); a folder with files
/// the CLI did not put there is refused and left as it is. The lock is the operating system's (flock on Unix), released
/// even when the process is killed.
/// </remarks>
internal sealed class WorkFolder : IDisposable
{
    /// <summary>The file that marks a folder as the CLI's own.</summary>
    public const string MarkerFile = ".causeway-work";

    private readonly FileStream _marker;

    private WorkFolder(string path, FileStream marker)
    {
        Path = path;
        _marker = marker;
    }

    /// <summary>The folder's full path.</summary>
    public string Path { get; }

    /// <summary>Creates a new folder <c>PARENT/yyyyMMdd-HHmmss-xxxxxx</c> (UTC, 6 random hex digits) for one run.</summary>
    /// <param name="parent">Where the run folders go, e.g. <c>.causeway/demo</c> (created when missing).</param>
    /// <param name="command">The command, written into the marker, e.g. "causeway demo".</param>
    /// <param name="time">The clock naming the folder.</param>
    public static WorkFolder CreateUnique(string parent, string command, TimeProvider time)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(parent);
        ArgumentNullException.ThrowIfNull(time);
        var name = string.Create(
            CultureInfo.InvariantCulture, $"{time.GetUtcNow():yyyyMMdd-HHmmss}-{Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(3))}");
        var path = System.IO.Path.GetFullPath(System.IO.Path.Combine(parent, name));

        // A name that is taken (the same second, the same random digits) is an error, never a shared folder.
        if (Directory.Exists(path))
        {
            throw new IOException($"{path} exists already.");
        }

        Directory.CreateDirectory(path);
        return new WorkFolder(path, CreateMarker(path, command));
    }

    /// <summary>
    /// Takes the folder the user named with <paramref name="option"/>: creates it when missing, marks it when empty,
    /// cleans it when it holds the marker of an earlier run; refuses it when it holds anything else or another process
    /// uses it.
    /// </summary>
    /// <exception cref="CliException">The folder holds files the CLI did not put there, or another process uses it (nothing was deleted).</exception>
    public static WorkFolder Claim(string path, string option, string command)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(path);
        path = System.IO.Path.GetFullPath(path);
        Directory.CreateDirectory(path);
        var markerPath = System.IO.Path.Combine(path, MarkerFile);
        if (File.Exists(markerPath))
        {
            var marker = Lock(markerPath, option);
            Clean(path);
            marker.SetLength(0);
            Describe(marker, command);
            return new WorkFolder(path, marker);
        }

        if (Directory.EnumerateFileSystemEntries(path).Any())
        {
            throw new CliException(
                $"{option} {path} holds files causeway did not put there; nothing was deleted",
                $"give a new or empty folder (causeway cleans only the folders it made, marked by a {MarkerFile} file)",
                exitCode: 2);
        }

        return new WorkFolder(path, CreateMarker(path, command));
    }

    /// <summary>Releases the folder (the marker stays, so a later run may clean it).</summary>
    public void Dispose() => _marker.Dispose();

    private static FileStream CreateMarker(string folder, string command)
    {
        var marker = new FileStream(System.IO.Path.Combine(folder, MarkerFile), FileMode.CreateNew, FileAccess.ReadWrite, FileShare.None);
        Describe(marker, command);
        return marker;
    }

    private static FileStream Lock(string markerPath, string option)
    {
        try
        {
            return new FileStream(markerPath, FileMode.Open, FileAccess.ReadWrite, FileShare.None);
        }
        catch (IOException e)
        {
            throw new CliException(
                $"{option} {System.IO.Path.GetDirectoryName(markerPath)} is in use by another causeway process",
                "wait for it to finish, or give another folder", innerException: e);
        }
    }

    private static void Describe(FileStream marker, string command)
    {
        using var writer = new StreamWriter(marker, leaveOpen: true);
        writer.WriteLine(string.Create(CultureInfo.InvariantCulture, $"Made by `{command}` (process {Environment.ProcessId}) at {DateTimeOffset.UtcNow:u}."));
        writer.WriteLine("causeway may delete everything in this folder when a command runs in it again; it cleans no folder without this file.");
    }

    // Everything but the marker: the previous run's certificates, splits, logs and database.
    private static void Clean(string folder)
    {
        foreach (var entry in new DirectoryInfo(folder).EnumerateFileSystemInfos())
        {
            if (entry.Name == MarkerFile)
            {
                continue;
            }

            if (entry is DirectoryInfo directory && (directory.Attributes & FileAttributes.ReparsePoint) == 0)
            {
                directory.Delete(recursive: true);
            }
            else
            {
                entry.Delete();
            }
        }
    }
}
