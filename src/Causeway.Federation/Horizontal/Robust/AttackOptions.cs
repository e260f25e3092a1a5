namespace Causeway.Federation.Horizontal.Robust;

/// <summary>
/// Malicious virtual parties in a simulation, and the <c>"attack"</c> section of a run configuration:
/// <c>{ "kind": "label-flip|scale|random", "fraction": 0.3, "factor": -10, "sigma": 1 }</c>.
/// </summary>
/// <remarks>
/// Simulation only: the simulator makes round(fraction × N) of its N virtual parties malicious, chosen with the run
/// seed, and they stay malicious for the whole run; a coordinator ignores the section (its parties are real).
/// The attack's randomness derives from each party's training seed, so a seeded run is reproducible.
/// </remarks>
public sealed record AttackOptions
{
    /// <summary>What the malicious parties do. Default scale.</summary>
    public AttackKind Kind { get; init; } = AttackKind.Scale;

    /// <summary>The share of virtual parties that are malicious, in [0, 1]. Default 0.1.</summary>
    public double Fraction { get; init; } = 0.1;

    /// <summary>The factor a scaled update is multiplied by (scale only). Default −10.</summary>
    public float? Factor { get; init; }

    /// <summary>σ &gt; 0, the standard deviation of a random update (random only). Default 1.</summary>
    public float? Sigma { get; init; }

    public float EffectiveFactor => Factor ?? -10f;

    public float EffectiveSigma => Sigma ?? 1f;

    /// <summary>The kind's name as written in a configuration.</summary>
    public static string Name(AttackKind kind) => kind == AttackKind.LabelFlip ? "label-flip" : kind.ToString().ToLowerInvariant();

    /// <summary>The kinds' names as written in a configuration.</summary>
    public static IReadOnlyList<string> Names => [.. Enum.GetValues<AttackKind>().Select(Name)];

    /// <summary>How many of <paramref name="parties"/> virtual parties are malicious: round(fraction × parties).</summary>
    public int MaliciousCount(int parties) => (int)Math.Round(Fraction * parties, MidpointRounding.AwayFromZero);

    /// <summary>Checks every value; one message per problem, each naming its field under <c>attack.</c>.</summary>
    public IReadOnlyList<string> Validate()
    {
        var errors = new List<string>();
        void Check(bool ok, string message)
        {
            if (!ok)
            {
                errors.Add(message);
            }
        }

        var name = Name(Kind);
        Check(Enum.IsDefined(Kind), $"attack.kind must be one of {string.Join(", ", Names)}");
        Check(Fraction is >= 0 and <= 1, $"attack.fraction must be in [0, 1], got {Fraction}");
        Check(Factor is null || Kind == AttackKind.Scale, $"attack.factor is only valid for scale, not {name}");
        Check(Factor is null || float.IsFinite(Factor.Value), $"attack.factor must be a finite number, got {Factor}");
        Check(Sigma is null || Kind == AttackKind.Random, $"attack.sigma is only valid for random, not {name}");
        Check(Sigma is null || (Sigma > 0 && float.IsFinite(Sigma.Value)), $"attack.sigma must be a positive number, got {Sigma}");
        return errors;
    }
}
