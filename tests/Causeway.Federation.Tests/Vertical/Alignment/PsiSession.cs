using Causeway.Federation.Vertical.Alignment;
using Causeway.Privacy.Psi;

namespace Causeway.Federation.Tests.Vertical.Alignment;

/// <summary>A guest and hosts over given ID lists, with a temporary work directory; runs them through the local relay.</summary>
internal sealed class PsiSession : IDisposable
{
    private readonly DirectoryInfo _directory = Directory.CreateTempSubdirectory("causeway-psi-");

    public PsiSession(AlignmentMode mode, IReadOnlyList<string> guestIds, IReadOnlyList<IReadOnlyList<string>> hostIds, int batchSize = 100, PsiIdOptions? idOptions = null)
    {
        Settings = new AlignmentSettings(AlignmentSettings.NewSalt(), mode, batchSize, idOptions);
        GuestIds = guestIds;
        HostIds = hostIds;
        GuestState = PsiGuest.NewState(hostIds.Count);
        HostStates = [.. hostIds.Select(_ => PsiHost.NewState())];
    }

    public AlignmentSettings Settings { get; }

    public IReadOnlyList<string> GuestIds { get; }

    public IReadOnlyList<IReadOnlyList<string>> HostIds { get; }

    public PsiGuestState GuestState { get; set; }

    public PsiHostState[] HostStates { get; }

    public string WorkDirectory => _directory.FullName;

    public PsiGuest NewGuest() => new(Settings, PsiGuestState.FromJson(GuestState.ToJson()), GuestIds, WorkDirectory, degreeOfParallelism: 2);

    public PsiHost NewHost(int host) => new(Settings, PsiHostState.FromJson(HostStates[host].ToJson()), HostIds[host], degreeOfParallelism: 2);

    /// <summary>Runs the (remaining) session; intersections as sorted row lists.</summary>
    public Outcome Run(List<(int Host, PsiBatch Batch)>? deliveries = null)
    {
        using var guest = NewGuest();
        var hosts = Enumerable.Range(0, HostIds.Count).Select(NewHost).ToList();
        try
        {
            return Run(guest, hosts, deliveries);
        }
        finally
        {
            hosts.ForEach(h => h.Dispose());
        }
    }

    public static Outcome Run(PsiGuest guest, IReadOnlyList<PsiHost> hosts, List<(int Host, PsiBatch Batch)>? deliveries = null)
    {
        var guestRows = new StringWriter();
        var hostRows = hosts.Select(_ => new StringWriter()).ToArray();
        var relay = new PsiLocalRelay(guest, hosts) { Delivered = deliveries is null ? null : (h, b) => deliveries.Add((h, b)) };
        var (guestResult, hostResults) = relay.Run(guestRows, hostRows);
        return new Outcome(guestResult, hostResults, Lines(guestRows), [.. hostRows.Select(Lines)]);
    }

    public void Dispose() => _directory.Delete(recursive: true);

    private static int[] Lines(StringWriter writer) =>
        [.. writer.ToString().Split('\n', StringSplitOptions.RemoveEmptyEntries).Select(int.Parse)];

    internal sealed record Outcome(GuestAlignmentResult Guest, IReadOnlyList<HostAlignmentResult> Hosts, int[] GuestRows, int[][] HostRows);
}
