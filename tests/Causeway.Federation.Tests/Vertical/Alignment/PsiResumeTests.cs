using Causeway.Federation.Vertical.Alignment;

namespace Causeway.Federation.Tests.Vertical.Alignment;

public sealed class PsiResumeTests
{
    [Fact]
    public void Run_HostThenGuestDisconnectMidway_ResumesFromTheLastAcknowledgedBatchWithTheSameResult()
    {
        // Arrange: 8 guest batches and 9 host batches of 100.
        var overlap = Overlap.Create(seed: 21, shared: 500, guestOnly: 300, 400);
        using var session = new PsiSession(AlignmentMode.RevealToAll, overlap.Guest, overlap.Hosts);
        var resentFrom = new List<int>();

        // Act 1: three guest batches are answered, then the host drops (its state is what the caller persisted).
        using (var guest = session.NewGuest())
        using (var host = session.NewHost(0))
        {
            foreach (var batch in guest.GuestPoints().Take(3))
            {
                foreach (var reply in host.AcceptGuestPoints(batch))
                {
                    guest.AcceptGuestTags(0, reply);
                }
            }

            session.GuestState = guest.State;
            session.HostStates[0] = host.State;
        }

        // Act 2: both come back from their states; the guest finishes its points, two host batches pass, the guest drops.
        using (var guest = session.NewGuest())
        using (var host = session.NewHost(0))
        {
            foreach (var batch in guest.GuestPoints())
            {
                resentFrom.Add(batch.Index);
                foreach (var reply in host.AcceptGuestPoints(batch))
                {
                    guest.AcceptGuestTags(0, reply);
                }
            }

            foreach (var batch in host.HostPoints().Take(2))
            {
                guest.AcceptHostPoints(0, batch);
                host.AcknowledgeHostPoints(batch.Index);
            }

            session.GuestState = guest.State;
            session.HostStates[0] = host.State;
        }

        // Act 3: the rest.
        var deliveries = new List<(int Host, PsiBatch Batch)>();
        var outcome = session.Run(deliveries);

        // Assert: each step resumed where the last stopped, and the result is the exact intersection.
        Assert.Equal(3, resentFrom[0]);
        Assert.Equal(7, resentFrom[^1]);
        Assert.DoesNotContain(deliveries, d => d.Batch.Stream is PsiStream.GuestPoints or PsiStream.GuestTags);
        Assert.Equal(2, deliveries.First(d => d.Batch.Stream == PsiStream.HostPoints).Batch.Index);
        Assert.Equal(Overlap.RowsOf(overlap.Guest, overlap.Shared), outcome.GuestRows);
        Assert.Equal(Overlap.RowsOf(overlap.Hosts[0], overlap.Shared), outcome.HostRows[0]);
        Assert.Equal(900, outcome.Guest.HostIds[0]);
    }

    [Fact]
    public void State_ToJsonAndBack_KeepsKeyAndProgress()
    {
        var host = PsiHost.NewState() with { GuestBatchesAnswered = 4, HostBatchesAcknowledged = 2 };
        var guest = PsiGuest.NewState(2);

        var hostAgain = PsiHostState.FromJson(host.ToJson());
        var guestAgain = PsiGuestState.FromJson(guest.ToJson());

        Assert.Equal(host.Key, hostAgain.Key);
        Assert.Equal((4, 2), (hostAgain.GuestBatchesAnswered, hostAgain.HostBatchesAcknowledged));
        Assert.Equal(guest.Key, guestAgain.Key);
        Assert.Equal(guest.Hosts, guestAgain.Hosts);
        Assert.NotEqual(host.Key, guest.Key);
    }
}
