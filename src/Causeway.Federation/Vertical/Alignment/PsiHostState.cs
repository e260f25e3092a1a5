using System.Text.Json;

namespace Causeway.Federation.Vertical.Alignment;

/// <summary>
/// What a host must persist to resume a PSI session after a disconnect: its secret key and how far it got. Small (a few
/// hundred bytes as JSON) and secret (the key): the caller keeps it in the party's own state directory only.
/// </summary>
/// <param name="Key">The host's 32-byte P-256 scalar.</param>
/// <param name="GuestBatchesAnswered">GuestPoints batches answered with GuestTags (the guest resends from here).</param>
/// <param name="HostBatchesAcknowledged">HostPoints batches the guest acknowledged (the host resends from here).</param>
public sealed record PsiHostState(byte[] Key, int GuestBatchesAnswered = 0, int HostBatchesAcknowledged = 0)
{
    /// <summary>The state as JSON (the key base64-encoded).</summary>
    public string ToJson() => JsonSerializer.Serialize(this);

    /// <summary>A state written by <see cref="ToJson"/>.</summary>
    public static PsiHostState FromJson(string json) => JsonSerializer.Deserialize<PsiHostState>(json) ?? throw new FormatException("A PSI host state is a JSON object.");
}
