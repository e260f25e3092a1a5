namespace Causeway.Federation.Horizontal.Protection;

/// <summary>Sends one protocol step to several parties at once and sorts the answers into replies and failures.</summary>
internal static class ProtocolExchange
{
    /// <summary>
    /// Sends <paramref name="requestFor"/>(party) to each party and waits at most <paramref name="deadline"/>. A reply of
    /// type <typeparamref name="TReply"/> is a success; anything else is that party's failure (straggler, dropout, or
    /// rejected for a reply of the wrong kind).
    /// </summary>
    public static async Task<(List<(PartyId Party, TReply Reply)> Replies, List<PartyFailure> Failures)> RunAsync<TReply>(
        IPartyChannel channel,
        RoundInfo round,
        IEnumerable<PartyId> parties,
        Func<PartyId, ProtocolMessage> requestFor,
        TimeSpan deadline,
        TimeProvider time,
        CancellationToken cancellationToken)
        where TReply : ProtocolMessage
    {
        using var timeout = new CancellationTokenSource(deadline, time);
        using var linked = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken, timeout.Token);
        var calls = parties.Select(p => (Party: p, Request: requestFor(p))).Select(c => (c.Party, c.Request, Task: ExchangeAsync(channel, c.Party, new ProtocolStep(round, c.Request), linked.Token))).ToList();
        var replies = new List<(PartyId, TReply)>(calls.Count);
        var failures = new List<PartyFailure>();
        foreach (var (party, request, task) in calls)
        {
            ProtocolStepReply reply;
            try
            {
                reply = await task.ConfigureAwait(false);
            }
            catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
            {
                throw;
            }
            catch (OperationCanceledException) when (timeout.IsCancellationRequested)
            {
                failures.Add(new PartyFailure(party, FailureKind.Straggler, $"no answer to the {request.Name} step within {deadline}"));
                continue;
            }
            catch (Exception exception)
            {
                failures.Add(new PartyFailure(party, FailureKind.Dropout, $"the {request.Name} step failed: {exception.GetType().Name}: {exception.Message}"));
                continue;
            }

            if (reply.Reply is TReply typed)
            {
                replies.Add((party, typed));
            }
            else if (reply.Failure is { } reason)
            {
                failures.Add(new PartyFailure(party, FailureKind.Dropout, $"the party could not take the {request.Name} step: {reason}"));
            }
            else
            {
                failures.Add(new PartyFailure(party, FailureKind.Rejected, $"the party answered the {request.Name} step with {reply.Reply!.Name}"));
            }
        }

        return (replies, failures);
    }

    // WaitAsync: a channel that ignores cancellation must not hold the phase past its deadline.
    private static Task<ProtocolStepReply> ExchangeAsync(IPartyChannel channel, PartyId party, ProtocolStep step, CancellationToken cancellationToken) =>
        channel.ExchangeAsync(party, step, cancellationToken).WaitAsync(cancellationToken);
}
