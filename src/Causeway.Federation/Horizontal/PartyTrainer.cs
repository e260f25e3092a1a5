using System.Diagnostics;
using System.Numerics.Tensors;
using Causeway.Core.Data;
using Causeway.Core.Metrics;
using Causeway.Core.Models;
using Causeway.Core.Tensors;
using Causeway.Core.Training;
using Causeway.Federation.Horizontal.DifferentialPrivacy;
using Causeway.Privacy.Mechanisms;

namespace Causeway.Federation.Horizontal;

/// <summary>
/// A party's side of a horizontal round: trains from the global model on local data and answers with the delta,
/// or scores the global model on local held-out data. The networked party host and the simulator both call it.
/// </summary>
/// <remarks>
/// Expected problems (no local data, a global model that does not fit this party's model, an invalid plan) are
/// returned as a <see cref="FailureKind.Dropout"/> reply, never thrown. Cancellation propagates as
/// <see cref="OperationCanceledException"/>. The trainer is thread-safe; a <see cref="DenseNetwork"/> is not, so pass one
/// per thread to the overloads that take one.
/// <para>
/// With a plan's <see cref="TrainingPlan.PersonalLayers"/> (FedPer) the trainer is also the party's memory of its personal
/// layers for the run: each round trains from the global model with the party's own personal layers in place of the
/// global ones (from the second round on), keeps what training made of them, and sends a delta that is zero there; an
/// evaluation scores that personalised model. Use one trainer per party and run.
/// </para>
/// </remarks>
public sealed class PartyTrainer
{
    private readonly Lock _personalLock = new();

    // The personal layers' values after this party's last training round, or null before it (or without personal layers).
    private float[]? _personal;

    /// <param name="party">This party's id (written into every update).</param>
    /// <param name="spec">The federation's model architecture.</param>
    /// <param name="train">Local training examples (may be empty: the party then reports a dropout).</param>
    /// <param name="evaluation">Local held-out examples for federated evaluation, or null.</param>
    public PartyTrainer(PartyId party, ModelSpec spec, TabularData train, TabularData? evaluation = null)
    {
        ArgumentNullException.ThrowIfNull(spec);
        ArgumentNullException.ThrowIfNull(train);
        RequireWidth(spec, train, nameof(train));
        if (evaluation is not null)
        {
            RequireWidth(spec, evaluation, nameof(evaluation));
        }

        Party = party;
        Spec = spec;
        TrainingData = train;
        EvaluationData = evaluation;
    }

    public PartyId Party { get; }

    public ModelSpec Spec { get; }

    public TabularData TrainingData { get; }

    public TabularData? EvaluationData { get; }

    /// <summary>Trains with a network made for this call.</summary>
    public PartyReply Train(TrainTask task, CancellationToken cancellationToken = default) =>
        Train(task, new DenseNetwork(Spec), cancellationToken);

    /// <summary>
    /// Runs <c>LocalTrainer.Train</c> from <c>task.Global</c> with <c>task.Plan</c> and <c>task.Seed</c> and returns
    /// <c>Delta = trained − start</c> with the local example count, last-epoch loss and the training's wall time, where the
    /// start is the global model with this party's personal layers in place (<see cref="PersonalModel"/>), and the delta is
    /// zero on the personal layers.
    /// </summary>
    /// <param name="task">The round's task; <c>task.Global</c> is read, never written.</param>
    /// <param name="network">Scratch network of this party's <see cref="Spec"/>, used by one thread at a time.</param>
    /// <param name="cancellationToken">The round's deadline.</param>
    public PartyReply Train(TrainTask task, DenseNetwork network, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(task);
        RequireNetwork(network);
        if (TrainingData.Rows == 0)
        {
            return Dropout("the party holds no training data");
        }

        if (network.Layout.DescribeMismatch(task.Global.Layout) is { } mismatch)
        {
            return Dropout($"the global model does not fit this party's {Spec.DisplayName}: {mismatch}");
        }

        LayerSharing? sharing;
        try
        {
            task.Plan.Validate();
            sharing = LayerSharing.Of(task.Global.Layout, task.Plan);
        }
        catch (ArgumentException exception)
        {
            return Dropout($"invalid training plan: {exception.Message}");
        }

        if (task.Privacy?.Problem is { } privacyProblem)
        {
            return Dropout($"invalid update privacy: {privacyProblem}");
        }

        // DP-SGD's noise and batch order from a fresh OS-keyed source per call: task.Seed is known to the coordinator.
        using var noise = task.Plan.DpSgd is { NoiseMultiplier: > 0 } ? NoiseSource.Create() : null;
        var start = PersonalModel(task.Global);
        var started = Stopwatch.GetTimestamp();
        var outcome = LocalTrainer.Train(network, start, TrainingData, task.Plan, task.Seed, noise, cancellationToken);
        var seconds = Stopwatch.GetElapsedTime(started).TotalSeconds;

        // The trained parameters are ours: keep the personal layers, then turn them into the delta in place rather than
        // allocating another model. The personal range of the delta is zero: it is not the federation's to aggregate.
        var delta = outcome.Parameters;
        // A diverged head is not kept: the party goes on from its last good one (the update itself is refused as non-finite).
        if (sharing is not null && task.Plan.PersonalLayers > 0 && AllFinite(delta.Values[sharing.PersonalElements]))
        {
            lock (_personalLock)
            {
                _personal = delta.Values[sharing.PersonalElements].ToArray();
            }
        }

        TensorPrimitives.Subtract(delta.Values, start.Values, delta.Values);
        if (sharing is not null)
        {
            delta.Values[sharing.PersonalElements].Clear();
        }

        bool? withinClip = null;
        if (task.Privacy is { } privacy)
        {
            if (!delta.AllFinite())
            {
                return Dropout("local training diverged (the delta has NaN or infinite values), so it cannot be clipped");
            }

            // Only what is sent is clipped and noised: frozen and personal ranges stay zero.
            withinClip = Privatize(sharing is null ? delta.Values : delta.Values[sharing.SharedElements], privacy);
        }

        return PartyReply.Success(new PartyUpdate(Party, delta, outcome.Examples, outcome.MeanLoss, seconds, withinClip));
    }

    /// <summary>
    /// Client-level DP with the noise at the parties: clips <paramref name="delta"/> to the round's norm and adds the
    /// party's share of the noise from a CSPRNG (never the run seed, which the coordinator knows). Returns whether the
    /// delta was within the norm before clipping.
    /// </summary>
    internal static bool Privatize(Span<float> delta, UpdatePrivacy privacy)
    {
        var norm = L2Clipping.Clip(delta, privacy.ClipNorm);
        if (privacy.NoiseStandardDeviation > 0)
        {
            using var noise = NoiseSource.Create();
            noise.AddGaussianNoise(delta, privacy.NoiseStandardDeviation);
        }

        return norm <= privacy.ClipNorm;
    }

    /// <summary>Evaluates with a network made for this call.</summary>
    public Evaluation? Evaluate(EvaluateTask task) => Evaluate(task, new DenseNetwork(Spec));

    /// <summary>
    /// Scores <c>task.Global</c> (with this party's personal layers in place, once it has any) on the local evaluation data;
    /// null without such data or when the model does not fit.
    /// </summary>
    public Evaluation? Evaluate(EvaluateTask task, DenseNetwork network)
    {
        ArgumentNullException.ThrowIfNull(task);
        RequireNetwork(network);
        if (EvaluationData is not { Rows: > 0 } data || network.Layout.DescribeMismatch(task.Global.Layout) is not null)
        {
            return null;
        }

        return ModelEvaluator.Evaluate(network, PersonalModel(task.Global), data);
    }

    /// <summary>
    /// <paramref name="global"/> with this party's personal layers (<see cref="TrainingPlan.PersonalLayers"/>) in place of
    /// the global ones, once it has trained any; else <paramref name="global"/> itself.
    /// </summary>
    public ParameterSet PersonalModel(ParameterSet global)
    {
        ArgumentNullException.ThrowIfNull(global);
        float[]? personal;
        lock (_personalLock)
        {
            personal = _personal;
        }

        if (personal is null)
        {
            return global;
        }

        var mine = global.Clone();
        personal.CopyTo(mine.Values[^personal.Length..]);
        return mine;
    }

    private static bool AllFinite(ReadOnlySpan<float> values)
    {
        foreach (var value in values)
        {
            if (!float.IsFinite(value))
            {
                return false;
            }
        }

        return true;
    }

    private PartyReply Dropout(string reason) => PartyReply.Failed(new PartyFailure(Party, FailureKind.Dropout, reason));

    private void RequireNetwork(DenseNetwork network)
    {
        ArgumentNullException.ThrowIfNull(network);
        if (!network.Spec.Equals(Spec))
        {
            throw new ArgumentException($"The network is a {network.Spec.DisplayName}; this party trains a {Spec.DisplayName}.", nameof(network));
        }
    }

    private static void RequireWidth(ModelSpec spec, TabularData data, string name)
    {
        if (data.Columns != spec.Inputs)
        {
            throw new ArgumentException($"The data has {data.Columns} columns but the model takes {spec.Inputs} inputs.", name);
        }
    }
}
