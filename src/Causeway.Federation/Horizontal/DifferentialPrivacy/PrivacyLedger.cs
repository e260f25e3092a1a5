using System.Text.Json;
using Causeway.Core.Training;
using Causeway.Privacy.Accounting;

namespace Causeway.Federation.Horizontal.DifferentialPrivacy;

/// <summary>
/// A run's privacy accounting: one Rényi-DP accountant for client-level DP-FedAvg (each round a sampled Gaussian step
/// with q = selected / available parties and multiplier σ) and one per party for sample-level DP-SGD (each round a
/// party trains, <see cref="DpSgdSteps"/>). Reports (ε, δ) after every round, says whether the next round would
/// exceed the budget, and saves its state with every checkpoint so a resumed run keeps counting.
/// </summary>
/// <remarks>
/// Both accountants assume Poisson sampling at the stated rate; Causeway samples a fixed number of parties per round and
/// fixed-size shuffled batches, the approximation TF-Privacy and TensorFlow Federated also make (docs/privacy.md).
/// Sample-level ε is charged for every update the coordinator received, accepted or not: the coordinator saw it.
/// </remarks>
public sealed class PrivacyLedger
{
    private readonly PrivacyOptions _options;
    private readonly RdpAccountant? _client;
    private readonly Dictionary<PartyId, (RdpAccountant Accountant, int Examples)> _samples = [];

    public PrivacyLedger(PrivacyOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        _options = options;
        _client = options.Client is null ? null : NewAccountant();
    }

    /// <summary>Client-level ε spent so far; null when client-level DP is off.</summary>
    public double? ClientEpsilon => _client?.Spent.Epsilon;

    /// <summary>The largest sample-level ε of any party so far (0 before any); null when DP-SGD is off.</summary>
    public double? SampleEpsilon => _options.Sample is null ? null : _samples.Values.Select(s => s.Accountant.Spent.Epsilon).DefaultIfEmpty(0).Max();

    public double Delta => _options.EffectiveDelta;

    /// <summary>
    /// Why the next round must not run, or null: it would take client-level ε, or the sample-level ε of a selected
    /// party, above the budget. A party not heard from yet is charged as if its whole data were one batch (q = 1), the
    /// most a round can cost it.
    /// </summary>
    public string? ExceedsBudget(int selected, int available, IReadOnlyList<PartyId> parties, TrainingPlan plan)
    {
        ArgumentNullException.ThrowIfNull(parties);
        if (_options.EpsilonBudget is not { } budget)
        {
            return null;
        }

        if (_client is not null && _options.Client is { } client)
        {
            var next = _client.Preview(new SampledGaussianRound(client.NoiseMultiplier, (double)selected / available));
            if (next.Epsilon > budget)
            {
                return $"the privacy budget ε = {budget} would be exceeded: client-level ε would reach {next.Epsilon:0.###} (now {_client.Spent.Epsilon:0.###})";
            }
        }

        if (_options.Sample is { } sample)
        {
            foreach (var party in parties)
            {
                var (accountant, examples) = _samples.TryGetValue(party, out var known) ? known : (NewAccountant(), 1);
                var next = accountant.Preview(DpSgdSteps.For(examples, plan.BatchSize, plan.Epochs, sample.NoiseMultiplier));
                if (next.Epsilon > budget)
                {
                    return $"the privacy budget ε = {budget} would be exceeded: party '{party}''s sample-level ε would reach {next.Epsilon:0.###}";
                }
            }
        }

        return null;
    }

    /// <summary>Charges a closed round and returns what the run has spent after it.</summary>
    /// <param name="selected">m, parties selected.</param>
    /// <param name="available">N, parties that could have been selected.</param>
    /// <param name="received">Every party whose update the coordinator received, with its example count.</param>
    /// <param name="plan">The round's training plan (DP-SGD's batches and epochs).</param>
    /// <param name="clipNorm">The client-level clip norm this round used; null when client-level DP is off.</param>
    /// <param name="released">False when the round failed before the aggregate was released (client-level DP charges nothing).</param>
    public RoundPrivacy Charge(int selected, int available, IReadOnlyList<(PartyId Party, int Examples)> received, TrainingPlan plan, double? clipNorm, bool released)
    {
        ArgumentNullException.ThrowIfNull(received);
        double? samplingRate = null;
        if (_client is not null && _options.Client is { } client)
        {
            samplingRate = (double)selected / available;
            if (released)
            {
                _client.Add(new SampledGaussianRound(client.NoiseMultiplier, samplingRate.Value));
            }
        }

        if (_options.Sample is { } sample)
        {
            foreach (var (party, examples) in received.Where(r => r.Examples > 0))
            {
                var accountant = _samples.TryGetValue(party, out var known) ? known.Accountant : NewAccountant();
                accountant.Add(DpSgdSteps.For(examples, plan.BatchSize, plan.Epochs, sample.NoiseMultiplier));
                _samples[party] = (accountant, examples);
            }
        }

        return new RoundPrivacy(ClientEpsilon, SampleEpsilon, Delta, clipNorm, _options.Client?.NoiseMultiplier, samplingRate, _options.Conversion.ToString().ToLowerInvariant());
    }

    /// <summary>The ledger (and the current clip norm) as JSON, to store with a checkpoint.</summary>
    public string SaveState(double? clipNorm)
    {
        static StepState[] Steps(RdpAccountant accountant) =>
            [.. accountant.Rounds.Select(r => new StepState(r.NoiseMultiplier, r.SamplingRate, r.Steps))];

        var state = new LedgerState(
            clipNorm,
            _client is null ? null : Steps(_client),
            _samples.Count == 0 ? null : _samples.ToDictionary(s => s.Key.Value, s => new PartyState(s.Value.Examples, Steps(s.Value.Accountant)), StringComparer.Ordinal));
        return JsonSerializer.Serialize(state, StateJson);
    }

    /// <summary>Replays a saved ledger into this (fresh) one; returns the clip norm it saved.</summary>
    /// <exception cref="InvalidDataException">The text is not a saved ledger.</exception>
    public double? RestoreState(string json)
    {
        ArgumentNullException.ThrowIfNull(json);
        LedgerState state;
        try
        {
            state = JsonSerializer.Deserialize<LedgerState>(json, StateJson) ?? throw new InvalidDataException("The privacy ledger is null.");
            foreach (var step in state.Client ?? [])
            {
                _client?.Add(new SampledGaussianRound(step.NoiseMultiplier, step.SamplingRate, step.Steps));
            }

            foreach (var (party, saved) in state.Parties ?? [])
            {
                var accountant = NewAccountant();
                foreach (var step in saved.Steps)
                {
                    accountant.Add(new SampledGaussianRound(step.NoiseMultiplier, step.SamplingRate, step.Steps));
                }

                _samples[new PartyId(party)] = (accountant, saved.Examples);
            }
        }
        catch (Exception e) when (e is JsonException or ArgumentException)
        {
            throw new InvalidDataException($"The stored privacy ledger is not valid: {e.Message}", e);
        }

        return state.ClipNorm;
    }

    private RdpAccountant NewAccountant() => new(_options.EffectiveDelta, _options.Conversion);

    private static readonly JsonSerializerOptions StateJson = new(JsonSerializerDefaults.Web);

    private sealed record StepState(double NoiseMultiplier, double SamplingRate, long Steps);

    private sealed record PartyState(int Examples, StepState[] Steps);

    private sealed record LedgerState(double? ClipNorm, StepState[]? Client, Dictionary<string, PartyState>? Parties);
}
