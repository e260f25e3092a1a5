namespace Causeway.Federation.Vertical.Training;

/// <summary>
/// Wall-clock time an in-memory <see cref="HeteroLinearTraining"/> spent in each step of the protocol, summed over every
/// batch it ran (each step runs on all cores where it is parallel, so these are elapsed, not CPU, times).
/// </summary>
/// <param name="HostScores">Hosts: X_h·w_h and, with an arbiter, one encryption per row.</param>
/// <param name="GuestResidual">Guest: its scores and the (encrypted) residual from the hosts' scores.</param>
/// <param name="HostGradients">Hosts: the masked encrypted gradient E(X_hᵀ(s·d) + r), one linear combination and one mask encryption per feature.</param>
/// <param name="GuestGradient">Guest (arbiter mode): the same over its own features and the intercept.</param>
/// <param name="Decryption">The key holder: decrypting every masked gradient value.</param>
/// <param name="Steps">Every party: removing the masks and taking the gradient step (the hosts' plain steps too; the guest's plain step is part of <paramref name="GuestResidual"/>).</param>
public sealed record HeteroLinearPhaseTimes(
    TimeSpan HostScores,
    TimeSpan GuestResidual,
    TimeSpan HostGradients,
    TimeSpan GuestGradient,
    TimeSpan Decryption,
    TimeSpan Steps)
{
    /// <summary>The sum of the steps.</summary>
    public TimeSpan Total => HostScores + GuestResidual + HostGradients + GuestGradient + Decryption + Steps;
}
