using System.Globalization;
using System.Text.Json;
using System.Text.Json.Serialization;

namespace Causeway.Party;

/// <summary>
/// The party's own differential-privacy budget for results it computes from its users' data and lets leave it (a shop's
/// popular items on its public site): every release is charged here, by basic composition (Σε, Σδ), before it is
/// computed, and a release the budget cannot pay is refused. The ledger is a JSON file, so the spending survives a
/// restart of the party; a file it cannot read is reported and never overwritten.
/// </summary>
/// <remarks>
/// The file is rewritten whole (to a temporary file, then renamed over it) after each accepted charge, so a crash
/// leaves the old ledger or the new one. It holds what was released when and at what cost, never a count or a rating.
/// One process owns a ledger file at a time (the party holds it open for its lifetime).
/// </remarks>
public sealed class ReleaseLedger : IDisposable
{
    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web) { WriteIndented = true };
    private readonly Lock _lock = new();
    private readonly string _path;
    private readonly FileStream _ownership;
    private readonly List<Release> _releases;

    private ReleaseLedger(string path, FileStream ownership, List<Release> releases, double epsilonBudget, double deltaBudget)
    {
        (_path, _ownership, _releases) = (path, ownership, releases);
        (EpsilonBudget, DeltaBudget) = (epsilonBudget, deltaBudget);
    }

    /// <summary>The total ε this party lets its released results spend.</summary>
    public double EpsilonBudget { get; }

    /// <summary>The total δ this party lets its released results spend.</summary>
    public double DeltaBudget { get; }

    /// <summary>ε spent so far, over every release in the file.</summary>
    public double EpsilonSpent
    {
        get
        {
            lock (_lock)
            {
                return _releases.Sum(r => r.Epsilon);
            }
        }
    }

    /// <summary>δ spent so far.</summary>
    public double DeltaSpent
    {
        get
        {
            lock (_lock)
            {
                return _releases.Sum(r => r.Delta);
            }
        }
    }

    /// <summary>Opens the ledger at <paramref name="path"/>, creating it when absent.</summary>
    /// <param name="path">The ledger file.</param>
    /// <param name="epsilonBudget">The total ε, &gt; 0.</param>
    /// <param name="deltaBudget">The total δ, in (0, 1).</param>
    /// <exception cref="ArgumentOutOfRangeException">A budget is out of range.</exception>
    /// <exception cref="IOException">The file is held by another process, or cannot be read as a ledger (the message names it).</exception>
    public static ReleaseLedger Open(string path, double epsilonBudget, double deltaBudget)
    {
        ArgumentNullException.ThrowIfNull(path);
        if (!(epsilonBudget > 0) || !double.IsFinite(epsilonBudget))
        {
            throw new ArgumentOutOfRangeException(nameof(epsilonBudget), epsilonBudget, "The release epsilon budget must be a positive number.");
        }

        if (!(deltaBudget is > 0 and < 1))
        {
            throw new ArgumentOutOfRangeException(nameof(deltaBudget), deltaBudget, "The release delta budget must be in (0, 1).");
        }

        var full = Path.GetFullPath(path);
        // A lock file beside the ledger: the ledger itself is replaced on every write.
        var ownership = new FileStream(full + ".lock", FileMode.OpenOrCreate, FileAccess.ReadWrite, FileShare.None);
        try
        {
            var releases = File.Exists(full) ? Read(full) : [];
            return new ReleaseLedger(full, ownership, releases, epsilonBudget, deltaBudget);
        }
        catch
        {
            ownership.Dispose();
            throw;
        }
    }

    /// <summary>
    /// Charges (<paramref name="epsilon"/>, <paramref name="delta"/>) for <paramref name="what"/> and writes the ledger;
    /// false, with nothing written, when the budget cannot pay.
    /// </summary>
    public bool TryCharge(double epsilon, double delta, string what, DateTimeOffset at)
    {
        ArgumentNullException.ThrowIfNull(what);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(epsilon);
        ArgumentOutOfRangeException.ThrowIfNegative(delta);
        lock (_lock)
        {
            // A small tolerance so that, say, ten releases of 0.1 fit a budget of 1 despite float sums.
            const double Slack = 1e-12;
            if (_releases.Sum(r => r.Epsilon) + epsilon > EpsilonBudget + Slack || _releases.Sum(r => r.Delta) + delta > DeltaBudget + Slack)
            {
                return false;
            }

            _releases.Add(new Release(at, epsilon, delta, what));
            try
            {
                Write();
            }
            catch
            {
                _releases.RemoveAt(_releases.Count - 1);
                throw;
            }

            return true;
        }
    }

    public void Dispose() => _ownership.Dispose();

    private static List<Release> Read(string path)
    {
        try
        {
            var file = JsonSerializer.Deserialize<LedgerFile>(File.ReadAllText(path), Json);
            if (file?.Releases is not { } releases || releases.Any(r => r is null || !(r.Epsilon > 0) || !double.IsFinite(r.Epsilon) || !(r.Delta >= 0) || !double.IsFinite(r.Delta)))
            {
                throw new IOException($"{path} is not a release ledger (it needs {{\"releases\": [{{\"at\", \"epsilon\" > 0, \"delta\" >= 0, \"what\"}}]}}); it was left as it is.");
            }

            return [.. releases];
        }
        catch (JsonException e)
        {
            throw new IOException(string.Create(CultureInfo.InvariantCulture, $"{path} is not a release ledger (line {(e.LineNumber ?? 0) + 1}: {e.Message}); it was left as it is."), e);
        }
    }

    private void Write()
    {
        var temporary = _path + ".tmp";
        File.WriteAllText(temporary, JsonSerializer.Serialize(new LedgerFile(_releases), Json));
        File.Move(temporary, _path, overwrite: true);
    }

    /// <summary>One release: when, its (ε, δ), and what it was (never its values).</summary>
    public sealed record Release(
        [property: JsonPropertyName("at")] DateTimeOffset At,
        [property: JsonPropertyName("epsilon")] double Epsilon,
        [property: JsonPropertyName("delta")] double Delta,
        [property: JsonPropertyName("what")] string What);

    private sealed record LedgerFile([property: JsonPropertyName("releases")] IReadOnlyList<Release>? Releases);
}
