namespace Causeway.Federation.Vertical.Alignment;

/// <summary>The guest's progress with one host.</summary>
/// <param name="TagBatches">GuestTags batches received and stored (the guest resends its points from here).</param>
/// <param name="TagsComplete">Whether the last GuestTags batch arrived.</param>
/// <param name="HostBatches">HostPoints batches processed (acknowledged to the host).</param>
/// <param name="HostPointsComplete">Whether the last HostPoints batch was processed.</param>
/// <param name="HostIds">Points the host sent so far (its set size once complete).</param>
/// <param name="Matches">Matches found so far (pairs stored in the work directory, or the count in cardinality mode).</param>
public sealed record PsiHostProgress(int TagBatches = 0, bool TagsComplete = false, int HostBatches = 0, bool HostPointsComplete = false, long HostIds = 0, long Matches = 0);
