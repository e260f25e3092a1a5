using Causeway.Core.Metrics;
using Causeway.Federation.Horizontal;
using Causeway.Federation.Horizontal.Protection;

namespace Causeway.Federation.Tests.Horizontal.Protection;

/// <summary>
/// A real in-memory channel with a man in the middle: it may rewrite a train task or a protocol step on its way to a
/// party (the coordinator as a liar), rewrite the party's reply on its way back, or fail a protocol step (a party that
/// dies at that step). It records every step's request and reply.
/// </summary>
internal sealed class EditingChannel(IPartyChannel inner) : IPartyChannel
{
    public Func<PartyId, TrainTask, TrainTask> EditTask { get; init; } = (_, t) => t;

    public Func<PartyId, PartyReply, PartyReply> EditReply { get; init; } = (_, r) => r;

    public Func<PartyId, ProtocolStep, bool> DiesAt { get; init; } = (_, _) => false;

    public Func<PartyId, ProtocolStep, ProtocolStep> EditStep { get; init; } = (_, s) => s;

    public List<(PartyId Party, string Step)> Steps { get; } = [];

    /// <summary>Every step as the party received it, with its reply.</summary>
    public List<(PartyId Party, ProtocolMessage Request, ProtocolStepReply Reply)> Exchanges { get; } = [];

    public async Task<PartyReply> TrainAsync(PartyId party, TrainTask task, CancellationToken cancellationToken) =>
        EditReply(party, await inner.TrainAsync(party, EditTask(party, task), cancellationToken));

    public Task<Evaluation?> EvaluateAsync(PartyId party, EvaluateTask task, CancellationToken cancellationToken) =>
        inner.EvaluateAsync(party, task, cancellationToken);

    public async Task<ProtocolStepReply> ExchangeAsync(PartyId party, ProtocolStep step, CancellationToken cancellationToken)
    {
        lock (Steps)
        {
            Steps.Add((party, step.Request.Name));
        }

        if (DiesAt(party, step))
        {
            throw new IOException($"party {party} is gone");
        }

        var edited = EditStep(party, step);
        var reply = await inner.ExchangeAsync(party, edited, cancellationToken);
        lock (Steps)
        {
            Exchanges.Add((party, edited.Request, reply));
        }

        return reply;
    }
}
