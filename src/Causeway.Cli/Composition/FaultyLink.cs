using System.Diagnostics;
using System.Globalization;

namespace Causeway.Cli.Composition;

/// <summary>
/// A network between the coordinator and the parties that a bench can break on purpose: the parties run in a network
/// namespace of their own, joined to the host's by a veth pair, and faults are Linux traffic control on the host's end
/// (<c>tc qdisc … netem</c> for delay and loss) or the link taken down and up (a cut). A kernel without netem (this
/// machine's has none) gets a congested link instead: a token bucket (<c>tbf</c>) that queues packets up to a limit and
/// drops the rest, so packets are delayed and lost by congestion rather than at random.
/// </summary>
/// <remarks>
/// <para>
/// Layout: namespace <c>NAME</c> holds <c>NAME-p</c> at 10.77.X.2/24; the host holds <c>NAME-h</c> at 10.77.X.1/24,
/// where the coordinator listens. Everything is created by <see cref="TryCreateOwn"/> and removed by
/// <see cref="Dispose"/>, also after a crash of an earlier bench of the same name (created afresh each time).
/// </para>
/// <para>
/// Needs root (or CAP_NET_ADMIN) and iproute2. Where namespaces are not permitted, <see cref="TryCreateOwn"/> returns null
/// with the reason, and the bench goes on without network faults and says so.
/// </para>
/// </remarks>
internal sealed class FaultyLink : IDisposable
{
    private readonly string _hostDevice;
    private bool _shaped;
    private bool _hasNetem;

    private FaultyLink(string name, int subnet)
    {
        Namespace = name;
        _hostDevice = $"{name}-h";
        HostAddress = $"10.77.{subnet}.1";
        PartyAddress = $"10.77.{subnet}.2";
    }

    /// <summary>The parties' network namespace.</summary>
    public string Namespace { get; }

    /// <summary>The host's address on the link: where the coordinator listens for the parties.</summary>
    public string HostAddress { get; }

    /// <summary>The parties' address on the link.</summary>
    public string PartyAddress { get; }

    /// <summary>
    /// Creates a namespace and link of this process's own (named <paramref name="prefix"/> and the process id, on a subnet
    /// drawn from it), so that two benches or test runs at once never break each other's; null (with
    /// <paramref name="whyNot"/>) where this machine does not allow it.
    /// </summary>
    /// <param name="prefix">A short prefix (≤ 4 characters).</param>
    /// <param name="whyNot">Why no link could be made, for the bench to print.</param>
    public static FaultyLink? TryCreateOwn(string prefix, out string? whyNot)
    {
        ArgumentOutOfRangeException.ThrowIfGreaterThan(prefix.Length, 4);
        var id = Environment.ProcessId;
        return TryCreate(string.Create(CultureInfo.InvariantCulture, $"{prefix}{id % 1_000_000}"), 10 + (id % 240), out whyNot);
    }

    /// <summary>Creates the namespace and the link; null (with <paramref name="whyNot"/>) where this machine does not allow it.</summary>
    /// <param name="name">A short name (≤ 10 characters: device names are at most 15).</param>
    /// <param name="subnet">The third octet of the link's 10.77.X.0/24 network.</param>
    /// <param name="whyNot">Why no link could be made, for the bench to print.</param>
    private static FaultyLink? TryCreate(string name, int subnet, out string? whyNot)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(name);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(name.Length, 10);
        ArgumentOutOfRangeException.ThrowIfNegative(subnet);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(subnet, 255);
        var link = new FaultyLink(name, subnet);
        link.RemoveLeftovers();
        string[][] setup =
        [
            ["ip", "netns", "add", name],
            ["ip", "link", "add", link._hostDevice, "type", "veth", "peer", "name", $"{name}-p"],
            ["ip", "link", "set", $"{name}-p", "netns", name],
            ["ip", "addr", "add", $"{link.HostAddress}/24", "dev", link._hostDevice],
            ["ip", "link", "set", link._hostDevice, "up"],
            ["ip", "netns", "exec", name, "ip", "addr", "add", $"{link.PartyAddress}/24", "dev", $"{name}-p"],
            ["ip", "netns", "exec", name, "ip", "link", "set", $"{name}-p", "up"],
            ["ip", "netns", "exec", name, "ip", "link", "set", "lo", "up"],
        ];
        foreach (var command in setup)
        {
            if (Run(command) is { } error)
            {
                link.RemoveLeftovers();
                whyNot = $"network namespaces are not available here ({string.Join(' ', command)}: {error})";
                return null;
            }
        }

        // Is there netem? Try it once on the new link.
        link._hasNetem = Run(["tc", "qdisc", "add", "dev", link._hostDevice, "root", "netem", "delay", "1ms"]) is null;
        if (link._hasNetem)
        {
            Run(["tc", "qdisc", "del", "dev", link._hostDevice, "root"]);
        }

        whyNot = null;
        return link;
    }

    /// <summary>The command line that runs <paramref name="program"/> inside the parties' namespace.</summary>
    public IReadOnlyList<string> Inside(string program, IEnumerable<string> arguments) => ["netns", "exec", Namespace, program, .. arguments];

    /// <summary>
    /// Degrades the link from the host to the parties: with netem, delays every packet by <paramref name="delay"/> and
    /// drops <paramref name="lossPercent"/> of them at random; without it, limits the link to 256 kbit/s with a queue of
    /// at most <paramref name="delay"/>, dropping what does not fit.
    /// </summary>
    /// <returns>What was applied, for the bench's report.</returns>
    public string Degrade(TimeSpan delay, double lossPercent)
    {
        var verb = _shaped ? "change" : "add";
        var milliseconds = string.Create(CultureInfo.InvariantCulture, $"{delay.TotalMilliseconds:F0}ms");
        string[] shape = _hasNetem
            ? ["netem", "delay", milliseconds, "loss", string.Create(CultureInfo.InvariantCulture, $"{lossPercent:F1}%")]
            : ["tbf", "rate", "256kbit", "burst", "8kb", "latency", milliseconds];
        Require(Run(["tc", "qdisc", verb, "dev", _hostDevice, "root", .. shape]));
        _shaped = true;
        return _hasNetem
            ? string.Create(CultureInfo.InvariantCulture, $"netem: {milliseconds} delay, {lossPercent:F0} % loss")
            : $"no netem in this kernel; tbf: 256 kbit/s, packets queued up to {milliseconds} and dropped beyond";
    }

    /// <summary>Removes the delay and loss.</summary>
    public void Heal()
    {
        if (_shaped)
        {
            Require(Run(["tc", "qdisc", "del", "dev", _hostDevice, "root"]));
            _shaped = false;
        }
    }

    /// <summary>Takes the link down (a cut cable) or brings it back up.</summary>
    public void SetUp(bool up) => Require(Run(["ip", "link", "set", _hostDevice, up ? "up" : "down"]));

    /// <summary>After a failure mid-fault: removes any shaping and brings the link up, as far as the link still exists.</summary>
    public void TryRestore()
    {
        Run(["tc", "qdisc", "del", "dev", _hostDevice, "root"]);
        Run(["ip", "link", "set", _hostDevice, "up"]);
        _shaped = false;
    }

    public void Dispose() => RemoveLeftovers();

    private void RemoveLeftovers()
    {
        // Deleting the namespace deletes the veth pair with it; both may already be gone.
        Run(["ip", "link", "del", _hostDevice]);
        Run(["ip", "netns", "del", Namespace]);
    }

    private static void Require(string? error)
    {
        if (error is not null)
        {
            throw new InvalidOperationException($"A network fault could not be applied: {error}");
        }
    }

    // Runs one command; returns its error output when it fails, null when it succeeds.
    private static string? Run(IReadOnlyList<string> command)
    {
        var start = new ProcessStartInfo(command[0]) { RedirectStandardError = true, RedirectStandardOutput = true, UseShellExecute = false };
        foreach (var argument in command.Skip(1))
        {
            start.ArgumentList.Add(argument);
        }

        try
        {
            using var process = Process.Start(start)!;
            var error = process.StandardError.ReadToEnd();
            process.StandardOutput.ReadToEnd();
            process.WaitForExit();
            return process.ExitCode == 0 ? null : error.Trim();
        }
        catch (System.ComponentModel.Win32Exception e)
        {
            return e.Message;
        }
    }
}
