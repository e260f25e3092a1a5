namespace Causeway.Federation.Reporting;

/// <summary>One round of a <see cref="RunReport"/>.</summary>
/// <param name="Round">The round number, from 1.</param>
/// <param name="Loss">The global model's evaluation loss after the round; null when the round was not evaluated.</param>
/// <param name="Accuracy">The evaluation accuracy; null when not evaluated or for regression.</param>
/// <param name="Participants">Accepted updates.</param>
/// <param name="Failures">Selected parties that contributed nothing (stragglers, dropouts, rejected updates).</param>
/// <param name="Bytes">Update bytes received.</param>
/// <param name="Seconds">Wall time of the round.</param>
/// <param name="SlowestPartySeconds">The slowest accepted party's local training time; null when none was accepted.</param>
/// <param name="Epsilon">Client-level ε spent after the round (DP-FedAvg); null without client-level DP.</param>
/// <param name="SampleEpsilon">The worst party's sample-level ε after the round (DP-SGD); null without DP-SGD.</param>
/// <param name="Problem">Why the round failed and left the model unchanged; null when it succeeded.</param>
public sealed record RoundReport(
    int Round,
    double? Loss,
    double? Accuracy,
    int Participants,
    int Failures,
    long Bytes,
    double Seconds,
    double? SlowestPartySeconds = null,
    double? Epsilon = null,
    double? SampleEpsilon = null,
    string? Problem = null);
