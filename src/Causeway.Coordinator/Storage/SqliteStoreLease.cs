using System.Data.Common;
using System.Runtime.InteropServices;
using System.Security.Cryptography;
using System.Text;
using Microsoft.Win32.SafeHandles;

namespace Causeway.Coordinator.Storage;

/// <summary>
/// The lease of a SQLite store: an exclusive <c>flock(2)</c> on the companion file <c>DATABASE-lease</c>, held by an open
/// file descriptor for the holder's lifetime. The kernel drops the lock when the process dies, however it dies.
/// </summary>
/// <remarks>
/// <para>
/// Why not a SQLite lock: <c>BEGIN EXCLUSIVE</c> (or <c>IMMEDIATE</c>) held open on a dedicated connection is the
/// database's one write lock, so it would stop the holder's own writes, which go through other pooled connections; and
/// <c>locking_mode = EXCLUSIVE</c> binds the whole database to one connection. A lock on another file leaves SQLite's
/// own locking alone (SQLite uses POSIX <c>fcntl</c> locks on the database; <c>flock</c> on a separate file never
/// interacts with them).
/// </para>
/// <para>
/// The file holds the holder's description and a random token. The file is never deleted by the code; if someone deletes
/// or replaces it, a second coordinator could lock a new file, so the holder checks (every check interval, and in every
/// fenced write) that the file at the path still carries its token, and counts the lease lost otherwise. The file is
/// read and locked through raw descriptors: .NET's <c>FileStream</c> takes a shared <c>flock</c> of its own, which would
/// fail against the holder's.
/// Like every <c>flock</c> it only works between processes of one host (NFS emulates it with byte-range locks, which SQLite
/// on NFS does not survive anyway). On Windows the file is instead opened without write sharing (untested).
/// </para>
/// </remarks>
internal sealed partial class SqliteStoreLease : StoreLease
{
    private const int LockExclusive = 2;
    private const int LockNonBlocking = 4;
    private const int MaxFileBytes = 4096;

    private readonly SafeFileHandle _file;
    private readonly string _path;
    private readonly string _token;

    private SqliteStoreLease(SafeFileHandle file, string path, string token, string holder)
        : base(holder)
    {
        _file = file;
        _path = path;
        _token = token;
    }

    /// <summary>The lease file of the database at <paramref name="databasePath"/> (a full path).</summary>
    public static string LeasePath(string databasePath) => databasePath + "-lease";

    /// <summary>Locks the lease file and writes the holder into it; null when another open file holds the lock.</summary>
    /// <exception cref="IOException">The lease file cannot be created, opened or locked for another reason.</exception>
    public static SqliteStoreLease? TryAcquire(string databasePath, string holder, TimeSpan checkInterval, TimeProvider time)
    {
        var path = LeasePath(databasePath);
        var file = OpenLocked(path);
        if (file is null)
        {
            return null;
        }

        try
        {
            var token = Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(16));
            var content = Encoding.UTF8.GetBytes($"{holder.ReplaceLineEndings(" ")}\n{token}\n");
            RandomAccess.SetLength(file, 0);
            RandomAccess.Write(file, content, fileOffset: 0);
            var lease = new SqliteStoreLease(file, path, token, holder);
            lease.StartChecking(checkInterval, time);
            return lease;
        }
        catch
        {
            file.Dispose();
            throw;
        }
    }

    /// <summary>The description the lease file's holder wrote, or null when nobody holds the lock.</summary>
    public static string? ReadHolder(string databasePath)
    {
        var path = LeasePath(databasePath);
        using (var probe = OpenLocked(path))
        {
            if (probe is not null)
            {
                // Nobody held it; disposing the probe drops the lock just taken.
                return null;
            }
        }

        return ReadLines(path) is [{ Length: > 0 } holder, ..] ? holder : "a coordinator that has not described itself yet";
    }

    /// <summary>Closes the lock's descriptor without giving the lease up, as the kernel does when the holder dies (tests).</summary>
    internal void CloseDescriptor() => _file.Dispose();

    protected override Task<string?> CheckAsync(CancellationToken cancellationToken) => Task.FromResult(CheckFile());

    protected override Task<string?> VerifyAsync(DbConnection? connection, DbTransaction? transaction, CancellationToken cancellationToken) =>
        Task.FromResult(CheckFile());

    protected override ValueTask ReleaseAsync()
    {
        // Closing the descriptor drops the lock; the file stays, so the next holder locks the same inode.
        _file.Dispose();
        return ValueTask.CompletedTask;
    }

    // The lock lives as long as the descriptor, so only the file at the path can change under the holder.
    private string? CheckFile() => ReadLines(_path) switch
    {
        null => $"the lease file {_path} was deleted",
        [_, var token, ..] when token == _token => null,
        _ => $"the lease file {_path} was replaced",
    };

    // Opens the lease file (creating it when missing) and locks it; null when another open file holds the lock.
    private static SafeFileHandle? OpenLocked(string path)
    {
        if (OperatingSystem.IsWindows())
        {
            try
            {
                // Windows: a file opened without write sharing cannot be opened for writing again until it is closed.
                return File.OpenHandle(path, FileMode.OpenOrCreate, FileAccess.ReadWrite, FileShare.Read);
            }
            catch (IOException e) when ((e.HResult & 0xFFFF) is 32 or 33)
            {
                // ERROR_SHARING_VIOLATION / ERROR_LOCK_VIOLATION: the holder has it open.
                return null;
            }
        }

        CreateIfMissing(path);
        var file = Open(path, writable: true) ?? throw new IOException($"The lease file {path} disappeared while it was being opened.");
        if (Flock(file, LockExclusive | LockNonBlocking) == 0)
        {
            return file;
        }

        var errno = Marshal.GetLastPInvokeError();
        file.Dispose();
        return errno == Errno.WouldBlock
            ? null
            : throw new IOException($"Could not lock the lease file {path}: {Marshal.GetPInvokeErrorMessage(errno)} (errno {errno}).");
    }

    private static void CreateIfMissing(string path)
    {
        if (File.Exists(path))
        {
            return;
        }

        try
        {
            // .NET takes a shared flock for as long as this handle is open; it is closed at once.
            using var created = File.OpenHandle(path, FileMode.CreateNew, FileAccess.Write, FileShare.ReadWrite | FileShare.Delete);
        }
        catch (IOException) when (File.Exists(path))
        {
            // Another coordinator created it first.
        }
    }

    // The file's lines, or null when it does not exist. Read through a raw descriptor: .NET's FileStream would try a
    // shared flock of its own and fail while the holder has the exclusive one.
    private static string[]? ReadLines(string path)
    {
        if (OperatingSystem.IsWindows())
        {
            try
            {
                using var reader = new StreamReader(new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.ReadWrite | FileShare.Delete), Encoding.UTF8);
                return reader.ReadToEnd().Split('\n');
            }
            catch (FileNotFoundException)
            {
                return null;
            }
        }

        using var file = Open(path, writable: false);
        if (file is null)
        {
            return null;
        }

        var buffer = new byte[MaxFileBytes];
        var length = RandomAccess.Read(file, buffer, fileOffset: 0);
        return Encoding.UTF8.GetString(buffer, 0, length).Split('\n');
    }

    // open(2) without O_CREAT (so the variadic mode argument is never read), close-on-exec so that no child process
    // inherits the descriptor and keeps the lock after this one dies. Null when the file does not exist.
    private static SafeFileHandle? Open(string path, bool writable)
    {
        var flags = (writable ? 2 : 0) | (OperatingSystem.IsLinux() ? 0x80000 : 0x1000000); // O_RDWR or O_RDONLY | O_CLOEXEC
        var fd = OpenFile(path, flags);
        if (fd >= 0)
        {
            return new SafeFileHandle(fd, ownsHandle: true);
        }

        var errno = Marshal.GetLastPInvokeError();
        return errno == Errno.NoEntry
            ? null
            : throw new IOException($"Could not open the lease file {path}: {Marshal.GetPInvokeErrorMessage(errno)} (errno {errno}).");
    }

    private static int Flock(SafeFileHandle file, int operation) => Flock((int)file.DangerousGetHandle(), operation);

    [LibraryImport("libc", EntryPoint = "open", SetLastError = true, StringMarshalling = StringMarshalling.Utf8)]
    private static partial int OpenFile(string path, int flags);

    [LibraryImport("libc", EntryPoint = "flock", SetLastError = true)]
    private static partial int Flock(int fd, int operation);

    private static class Errno
    {
        public const int NoEntry = 2;

        // EWOULDBLOCK is 11 on Linux, 35 on macOS and the BSDs.
        public static int WouldBlock => OperatingSystem.IsLinux() ? 11 : 35;
    }
}
