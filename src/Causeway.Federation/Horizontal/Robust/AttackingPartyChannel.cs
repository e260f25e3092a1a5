using Causeway.Core.Metrics;

namespace Causeway.Federation.Horizontal.Robust;

/// <summary>
/// A simulation's channel with Byzantine parties: forwards every task to the honest channel, then replaces the
/// malicious parties' deltas as the attack says (scale: <c>Δ · factor</c>; random: Gaussian noise N(0, σ²)).
/// Label flipping happens in the malicious parties' data instead, so this channel passes their updates through.
/// </summary>
/// <remarks>
/// The attacker keeps the honest reply's example count and loss, so a weighted mean trusts it as much as any party.
/// Noise is drawn from a <see cref="Random"/> seeded with the task's training seed: a seeded run is reproducible.
/// </remarks>
internal sealed class AttackingPartyChannel(IPartyChannel inner, IReadOnlySet<PartyId> malicious, AttackOptions attack) : IPartyChannel
{
    public async Task<PartyReply> TrainAsync(PartyId party, TrainTask task, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(task);
        var reply = await inner.TrainAsync(party, task, cancellationToken).ConfigureAwait(false);
        if (!malicious.Contains(party) || reply.Update is not { } update)
        {
            return reply;
        }

        var delta = update.Delta.Values;
        switch (attack.Kind)
        {
            case AttackKind.Scale:
                System.Numerics.Tensors.TensorPrimitives.Multiply(delta, attack.EffectiveFactor, delta);
                break;
            case AttackKind.Random:
                FillGaussian(delta, attack.EffectiveSigma, new Random(unchecked((int)RunSeeds.Mix(task.Seed ^ 0xBAD5EEDUL))));
                break;
            default:
                break;
        }

        return reply;
    }

    public Task<Evaluation?> EvaluateAsync(PartyId party, EvaluateTask task, CancellationToken cancellationToken) =>
        inner.EvaluateAsync(party, task, cancellationToken);

    public Task<ProtocolStepReply> ExchangeAsync(PartyId party, ProtocolStep step, CancellationToken cancellationToken) =>
        inner.ExchangeAsync(party, step, cancellationToken);

    private static void FillGaussian(Span<float> values, float sigma, Random random)
    {
        // Box–Muller; 1 − u keeps the logarithm's argument in (0, 1].
        for (var i = 0; i < values.Length; i++)
        {
            var radius = Math.Sqrt(-2 * Math.Log(1 - random.NextDouble()));
            values[i] = (float)(sigma * radius * Math.Cos(2 * Math.PI * random.NextDouble()));
        }
    }
}
