using Causeway.Core.Metrics;
using Causeway.Privacy.Paillier;
using Causeway.Privacy.SecureAggregation;

namespace Causeway.Federation.Horizontal.Protection;

/// <summary>
/// A party's side of protected rounds, the same in a party process and in the simulator: it answers protocol steps
/// (<see cref="Handle"/>) and turns a trained delta into the masked or encrypted update a protected train task asks
/// for (<see cref="Protect"/>). It keeps the secure-aggregation session of each (run, round) between steps and, as the
/// key holder of a Paillier run, the run's private key.
/// </summary>
/// <remarks>
/// Bounded state: a session ends with its unmasking step, when a later round of the same run begins, when it is older
/// than <see cref="SessionLifetime"/>, or when more than <see cref="MaxSessions"/> are open (oldest first); at most
/// <see cref="MaxKeys"/> Paillier keys are kept (one per run, oldest disposed first). Expected problems (no session,
/// a tampered share, a value the encoding cannot hold) are answered as failures that say why; keys, shares, masks and
/// values never appear in them. Thread-safe.
/// </remarks>
public sealed class PartyProtection : IDisposable
{
    /// <summary>Open secure-aggregation sessions kept at most.</summary>
    public const int MaxSessions = 16;

    /// <summary>Paillier private keys kept at most.</summary>
    public const int MaxKeys = 4;

    /// <summary>Score histograms held for a secure evaluation sum at most (<see cref="HoldScores"/>; one per run), oldest dropped first.</summary>
    public const int MaxHeldScores = 16;

    private readonly PartyId _party;
    private readonly TimeProvider _time;
    private readonly SecureAggregationCredentials? _credentials;
    private readonly Lock _gate = new();
    private readonly Dictionary<(string RunId, int Round), (SecureAggregationParty Party, long Opened)> _sessions = [];
    private readonly List<(string RunId, PaillierPrivateKey Key)> _keys = [];
    private readonly List<(RoundInfo Round, ScoreHistogram Scores)> _heldScores = [];
    private readonly HashSet<string> _labels = [];

    /// <param name="party">This party (written into its protected updates).</param>
    /// <param name="time">The clock for session expiry; null for the system clock.</param>
    /// <param name="credentials">The party's identity for authenticated secure aggregation; null when it has no certificate (it then refuses authenticated sessions).</param>
    public PartyProtection(PartyId party, TimeProvider? time = null, SecureAggregationCredentials? credentials = null)
    {
        _party = party;
        _time = time ?? TimeProvider.System;
        _credentials = credentials;
    }

    /// <summary>Session labels remembered to refuse a reused one, at most.</summary>
    public const int MaxLabels = 65_536;

    /// <summary>
    /// Refuse secure-aggregation sessions that are not authenticated, so a coordinator cannot switch the signatures and
    /// the consistency check off (<c>causeway party --require-authenticated-secagg</c>). Default false.
    /// </summary>
    public bool RequireAuthenticated { get; init; }

    /// <summary>How long a secure-aggregation session may stay open. Default 1 hour.</summary>
    public TimeSpan SessionLifetime { get; init; } = TimeSpan.FromHours(1);

    /// <summary>The secure-aggregation sessions open now.</summary>
    public int OpenSessions
    {
        get
        {
            lock (_gate)
            {
                return _sessions.Count;
            }
        }
    }

    /// <summary>Takes one protocol step; CPU-heavy for Paillier key generation and decryption (call it off the request thread).</summary>
    public ProtocolStepReply Handle(ProtocolStep step)
    {
        ArgumentNullException.ThrowIfNull(step);
        try
        {
            return step.Request switch
            {
                SecureAggregationAdvertise advertise => Advertise(step.Round, advertise),
                SecureAggregationShareKeys share => ProtocolStepReply.Success(new SecureAggregationShares(Session(step.Round).ShareKeys(share.Directory))),
                SecureAggregationConfirm confirm => Confirm(step.Round, confirm),
                SecureAggregationUnmask unmask => Unmask(step.Round, unmask),
                PaillierKeyRequest request => ProtocolStepReply.Success(new PaillierPublicKeyReply(KeyFor(step.Round.RunId, request.KeyBits).PublicKey.ToBytes())),
                PaillierCiphertexts { Decrypt: true } sum => Decrypt(step.Round, sum),
                MaskedScoresRequest request => MaskScores(step.Round, request),
                _ => ProtocolStepReply.Failed($"{step.Request.Name} is not a protocol step"),
            };
        }
        catch (Exception e) when (e is SecureAggregationException or InvalidOperationException or ArgumentException or OverflowException or KeyNotFoundException)
        {
            if (step.Request is SecureAggregationShareKeys or SecureAggregationConfirm)
            {
                End(step.Round);
            }

            return ProtocolStepReply.Failed(e.Message);
        }
    }

    /// <summary>
    /// Protects a trained delta as <paramref name="task"/>'s <see cref="TrainTask.Protection"/> says: quantise and mask it
    /// (secure aggregation) or encrypt it (Paillier). A plain task's reply and failures pass through unchanged.
    /// </summary>
    public PartyReply Protect(TrainTask task, PartyReply reply)
    {
        ArgumentNullException.ThrowIfNull(task);
        ArgumentNullException.ThrowIfNull(reply);
        if (task.Protection is not { } protection || reply.Update is not { } update)
        {
            return reply;
        }

        try
        {
            var weight = UpdateWeight.Of(update.Examples, protection switch { SecureAggregationMask m => m.WeightCap, PaillierEncrypt e => e.WeightCap, _ => null });
            if (weight != 1)
            {
                System.Numerics.Tensors.TensorPrimitives.Multiply(update.Delta.Values, (float)weight, update.Delta.Values);
            }

            ProtocolMessage payload = protection switch
            {
                SecureAggregationMask mask => new SecureAggregationMasked(Session(task.Round).MaskInput(mask.Delivery, update.Delta.Values)),
                PaillierEncrypt encrypt => Encrypt(PaillierPublicKey.FromBytes(encrypt.PublicKey), update.Delta.Values),
                _ => throw new ArgumentException($"{protection.Name} is not a train task's protection."),
            };
            return PartyReply.Success(new ProtectedUpdate(update.Party, payload, update.Examples, update.TrainLoss, update.TrainSeconds));
        }
        catch (Exception e) when (e is SecureAggregationException or InvalidOperationException or ArgumentException or KeyNotFoundException)
        {
            if (protection is SecureAggregationMask)
            {
                End(task.Round);
            }

            return PartyReply.Failed(new PartyFailure(_party, FailureKind.Dropout, $"the party could not protect its update: {e.Message}"));
        }
        finally
        {
            // The plain delta is not needed once protected (or refused).
            update.Delta.Values.Clear();
        }
    }

    /// <summary>
    /// An evaluation under secure aggregation (<see cref="EvaluateTask.SecureScores"/>): keeps <paramref name="evaluation"/>'s
    /// score histogram for the round's <see cref="MaskedScoresRequest"/> and returns the evaluation without it, as the
    /// party sends it. An evaluation without a histogram passes unchanged.
    /// </summary>
    public Evaluation? HoldScores(RoundInfo round, Evaluation? evaluation)
    {
        if (evaluation?.Scores is not { } scores)
        {
            return evaluation;
        }

        lock (_gate)
        {
            // One round held per run: a newer round's evaluation replaces any the coordinator never asked to mask.
            _heldScores.RemoveAll(h => h.Round.RunId == round.RunId);
            if (_heldScores.Count >= MaxHeldScores)
            {
                _heldScores.RemoveAt(0);
            }

            _heldScores.Add((round, scores));
        }

        return evaluation with { Scores = null };
    }

    // Secure aggregation round 2 of an evaluation: the held histogram, masked with the round's session (held once).
    private ProtocolStepReply MaskScores(RoundInfo round, MaskedScoresRequest request)
    {
        ScoreHistogram? scores;
        lock (_gate)
        {
            var held = _heldScores.FindIndex(h => SameRound(h.Round, round));
            scores = held < 0 ? null : _heldScores[held].Scores;
            if (held >= 0)
            {
                _heldScores.RemoveAt(held);
            }
        }

        if (scores is null)
        {
            End(round);
            return ProtocolStepReply.Failed($"no score histogram held for run '{round.RunId}' round {round.Round}: the party did not evaluate that round under secure aggregation");
        }

        var (encoded, problem) = request.Encode(scores);
        if (encoded is null)
        {
            End(round);
            return ProtocolStepReply.Failed(problem!);
        }

        return ProtocolStepReply.Success(new SecureAggregationMasked(Mask(round, request.Delivery, encoded)));
    }

    private static bool SameRound(RoundInfo a, RoundInfo b) => a.RunId == b.RunId && a.Round == b.Round;

    /// <summary>
    /// Masks values this party has already encoded in the ring (secure federated k-means) with the session of
    /// <paramref name="round"/>; the session ends when masking fails.
    /// </summary>
    /// <exception cref="KeyNotFoundException">No session for the round (never advertised, ended or expired).</exception>
    /// <exception cref="SecureAggregationException">The shares do not open or the session is not at the masking round.</exception>
    public MaskedInput Mask(RoundInfo round, ShareDelivery delivery, ReadOnlySpan<uint> encoded)
    {
        try
        {
            return Session(round).MaskInput(delivery, encoded);
        }
        catch
        {
            End(round);
            throw;
        }
    }

    public void Dispose()
    {
        lock (_gate)
        {
            foreach (var (party, _) in _sessions.Values)
            {
                party.Dispose();
            }

            _sessions.Clear();
            foreach (var (_, key) in _keys)
            {
                key.Dispose();
            }

            _keys.Clear();
            _heldScores.Clear();
        }
    }

    private ProtocolStepReply Advertise(RoundInfo round, SecureAggregationAdvertise advertise)
    {
        // The label salts every key and fixes the graph: it must belong to this run, and a party never joins one twice.
        if (!advertise.Label.StartsWith(round.RunId + "/", StringComparison.Ordinal))
        {
            return ProtocolStepReply.Failed($"the secure aggregation session '{advertise.Label}' does not belong to run '{round.RunId}'");
        }

        if (RequireAuthenticated && !advertise.Authenticated)
        {
            return ProtocolStepReply.Failed("this party takes part in authenticated secure aggregation only (signed keys and the consistency check); the run asks for an unauthenticated session");
        }

        lock (_gate)
        {
            if (!_labels.Add(advertise.Label))
            {
                return ProtocolStepReply.Failed($"the secure aggregation session '{advertise.Label}' was already opened once; a session label is never reused");
            }

            if (_labels.Count > MaxLabels)
            {
                _labels.Clear();
                _labels.Add(advertise.Label);
            }
        }

        var party = new SecureAggregationParty(advertise.ToOptions(), advertise.Index, IdentityFor(advertise));
        var keys = party.Advertise();
        lock (_gate)
        {
            var now = _time.GetTimestamp();
            foreach (var (id, session) in _sessions.ToList())
            {
                var stale = (id.RunId == round.RunId && id.Round <= round.Round) || _time.GetElapsedTime(session.Opened, now) > SessionLifetime;
                if (stale)
                {
                    session.Party.Dispose();
                    _sessions.Remove(id);
                }
            }

            while (_sessions.Count >= MaxSessions)
            {
                var oldest = _sessions.MinBy(s => s.Value.Opened);
                oldest.Value.Party.Dispose();
                _sessions.Remove(oldest.Key);
            }

            _sessions[(round.RunId, round.Round)] = (party, now);
        }

        return ProtocolStepReply.Success(new SecureAggregationKeys(keys));
    }

    // An authenticated session's identity: this party's key, and a roster holding the public key of every roster entry
    // whose certificate this party trusts for the party it names (entries it does not trust stay empty and verify nothing).
    private SecureAggregationIdentity? IdentityFor(SecureAggregationAdvertise advertise)
    {
        if (!advertise.Authenticated)
        {
            return null;
        }

        if (_credentials is null)
        {
            throw new InvalidOperationException("the run asks for authenticated secure aggregation, which needs this party's client certificate: start the party with --cert and --key");
        }

        // A roster that names one party (or one key) at two indices, or not this party at its own, is the coordinator's
        // attempt to stand colluders in for honest parties: refuse the session.
        var signingKey = _credentials.SigningKey();
        var roster = new byte[advertise.Parties][];
        Array.Fill(roster, []);
        var parties = new HashSet<PartyId>();
        var keys = new HashSet<string>();
        foreach (var entry in advertise.Roster ?? [])
        {
            if (entry.Index < 0 || entry.Index >= roster.Length || roster[entry.Index].Length > 0 || !parties.Add(entry.Party))
            {
                throw new SecureAggregationException($"the secure aggregation roster names party {entry.Party} or index {entry.Index} twice, or an index out of range: refusing the session");
            }

            var publicKey = _credentials.PublicKeyOf(entry.Party, entry.Certificate) ?? [];
            if (publicKey.Length > 0 && !keys.Add(Convert.ToHexString(publicKey)))
            {
                throw new SecureAggregationException($"the secure aggregation roster gives one certificate key to two parties ({entry.Party} among them): refusing the session");
            }

            roster[entry.Index] = publicKey;
        }

        if (!roster[advertise.Index].AsSpan().SequenceEqual(signingKey.ExportSubjectPublicKeyInfo()) || !parties.Contains(_party))
        {
            throw new SecureAggregationException($"the secure aggregation roster does not carry this party ({_party}) with its own certificate at index {advertise.Index}: refusing the session");
        }

        return new SecureAggregationIdentity(signingKey, roster);
    }

    private ProtocolStepReply Confirm(RoundInfo round, SecureAggregationConfirm confirm) =>
        ProtocolStepReply.Success(new SecureAggregationConfirmed(Session(round).ConfirmSurvivors(confirm.Request)));

    private ProtocolStepReply Unmask(RoundInfo round, SecureAggregationUnmask unmask)
    {
        try
        {
            return ProtocolStepReply.Success(new SecureAggregationUnmasked(Session(round).Unmask(unmask.Request)));
        }
        finally
        {
            End(round);
        }
    }

    private SecureAggregationParty Session(RoundInfo round)
    {
        lock (_gate)
        {
            return _sessions.TryGetValue((round.RunId, round.Round), out var session)
                ? session.Party
                : throw new KeyNotFoundException($"no secure aggregation session for run '{round.RunId}' round {round.Round} (never advertised, ended or expired)");
        }
    }

    private void End(RoundInfo round)
    {
        lock (_gate)
        {
            if (_sessions.Remove((round.RunId, round.Round), out var session))
            {
                session.Party.Dispose();
            }
        }
    }

    private PaillierPrivateKey KeyFor(string runId, int bits)
    {
        lock (_gate)
        {
            var held = _keys.FindIndex(k => k.RunId == runId);
            if (held >= 0 && _keys[held].Key.PublicKey.Bits == bits)
            {
                return _keys[held].Key;
            }

            if (held >= 0)
            {
                _keys[held].Key.Dispose();
                _keys.RemoveAt(held);
            }

            // Generated under the lock: two racing requests of one run must not produce two keys.
            var key = PaillierPrivateKey.Generate(bits);
            if (_keys.Count >= MaxKeys)
            {
                _keys[0].Key.Dispose();
                _keys.RemoveAt(0);
            }

            _keys.Add((runId, key));
            return key;
        }
    }

    private ProtocolStepReply Decrypt(RoundInfo round, PaillierCiphertexts sum)
    {
        // Decrypting a "sum" of one update would show the key holder that party's update.
        if (sum.Summands < 2)
        {
            return ProtocolStepReply.Failed($"the key holder decrypts sums of at least 2 updates; this one claims {sum.Summands}");
        }

        PaillierPrivateKey key;
        lock (_gate)
        {
            key = _keys.Find(k => k.RunId == round.RunId).Key
                ?? throw new KeyNotFoundException($"this party holds no Paillier key for run '{round.RunId}'");
        }

        var ciphertexts = sum.Ciphertexts.Select(c => key.PublicKey.CiphertextFromBytes(c)).ToList();
        var vector = EncryptedVector.FromCiphertexts(key.PublicKey, ciphertexts, sum.Length, sum.Summands);
        var values = new double[sum.Length];
        vector.Decrypt(key, values);
        return ProtocolStepReply.Success(new PaillierDecryptedSum(values));
    }

    private static PaillierCiphertexts Encrypt(PaillierPublicKey key, ReadOnlySpan<float> delta)
    {
        var vector = EncryptedVector.Encrypt(key, delta);
        return new PaillierCiphertexts(vector.Length, vector.Summands, [.. vector.Ciphertexts.Select(c => c.ToBytes())]);
    }
}
