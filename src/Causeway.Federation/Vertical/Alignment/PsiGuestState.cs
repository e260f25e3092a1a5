using System.Text.Json;

namespace Causeway.Federation.Vertical.Alignment;

/// <summary>
/// What the guest must persist to resume a PSI session after a disconnect: its secret key and, per host, how far each
/// stream got. The bulk data (received tags, matches) lives in the guest's work directory; this record says how much of
/// it is valid. Secret (the key): keep it in the party's own state directory only.
/// </summary>
/// <param name="Key">The guest's 32-byte P-256 scalar.</param>
/// <param name="Hosts">Progress with each host, in host order.</param>
public sealed record PsiGuestState(byte[] Key, IReadOnlyList<PsiHostProgress> Hosts)
{
    /// <summary>The state as JSON (the key base64-encoded).</summary>
    public string ToJson() => JsonSerializer.Serialize(this);

    /// <summary>A state written by <see cref="ToJson"/>.</summary>
    public static PsiGuestState FromJson(string json) => JsonSerializer.Deserialize<PsiGuestState>(json) ?? throw new FormatException("A PSI guest state is a JSON object.");
}
