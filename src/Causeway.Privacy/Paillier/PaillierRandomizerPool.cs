using System.Collections.Concurrent;
using System.Numerics;

namespace Causeway.Privacy.Paillier;

/// <summary>
/// Randomisers (h_s^a or r^n mod n², <see cref="PaillierRandomness"/>) computed ahead of time, so that an encryption at
/// the point of use costs one multiplication modulo n². Fill it between rounds (<see cref="Fill"/>) or let a background
/// thread keep it full; each randomiser is handed out once and never again.
/// </summary>
/// <remarks>
/// <see cref="Take"/> never waits: on an empty pool it computes a randomiser on the caller's thread (counted in
/// <see cref="Misses"/>). The background thread runs at the lowest priority and stops at <see cref="Capacity"/>; on a
/// machine whose cores are all busy it only moves work, so it pays off where a party waits (for the network, for the
/// next round). Disposing stops the thread and clears the randomisers not handed out.
/// </remarks>
public sealed class PaillierRandomizerPool : IDisposable
{
    private readonly ConcurrentQueue<PaillierRandomizer> _ready = new();
    private readonly SemaphoreSlim _space;
    private readonly CancellationTokenSource _stop = new();
    private readonly Thread? _filler;
    private long _misses;
    private int _disposed;

    /// <summary>A pool for <paramref name="publicKey"/> holding up to <paramref name="capacity"/> randomisers.</summary>
    /// <param name="publicKey">The key to encrypt under.</param>
    /// <param name="capacity">The most randomisers kept ready (512 bytes each at 2048 bits).</param>
    /// <param name="randomness">How each randomiser is drawn; <see cref="PaillierRandomness.ShortExponent"/> by default.</param>
    /// <param name="fillInBackground">Keep the pool full from a background thread of the lowest priority.</param>
    public PaillierRandomizerPool(PaillierPublicKey publicKey, int capacity, PaillierRandomness randomness = PaillierRandomness.ShortExponent, bool fillInBackground = true)
    {
        ArgumentNullException.ThrowIfNull(publicKey);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(capacity);
        if (!Enum.IsDefined(randomness))
        {
            throw new ArgumentOutOfRangeException(nameof(randomness), randomness, "Unknown Paillier randomness.");
        }

        PublicKey = publicKey;
        Capacity = capacity;
        Randomness = randomness;
        _space = new SemaphoreSlim(capacity, capacity);
        if (fillInBackground)
        {
            _filler = new Thread(FillForever) { IsBackground = true, Priority = ThreadPriority.Lowest, Name = "Paillier randomiser pool" };
            _filler.Start();
        }
    }

    public PaillierPublicKey PublicKey { get; }

    /// <summary>The most randomisers kept ready.</summary>
    public int Capacity { get; }

    /// <summary>How the randomisers are drawn.</summary>
    public PaillierRandomness Randomness { get; }

    /// <summary>Randomisers ready now.</summary>
    public int Available => _ready.Count;

    /// <summary>How many <see cref="Take"/> calls found the pool empty and computed their randomiser themselves.</summary>
    public long Misses => Interlocked.Read(ref _misses);

    /// <summary>A randomiser no one else gets: from the pool, or computed now when it is empty.</summary>
    public PaillierRandomizer Take()
    {
        ObjectDisposedException.ThrowIf(Volatile.Read(ref _disposed) != 0, this);
        if (_ready.TryDequeue(out var randomizer))
        {
            _space.Release();
            return randomizer;
        }

        Interlocked.Increment(ref _misses);
        return PublicKey.CreateRandomizer(Randomness);
    }

    /// <summary>Encrypts m ∈ [0, n) with a randomiser from the pool: c = (1 + m·n) · R mod n².</summary>
    public PaillierCiphertext Encrypt(BigInteger plaintext) => PublicKey.Encrypt(plaintext, Take());

    /// <summary>Fills the pool to <see cref="Capacity"/> on the calling thread (between rounds), all cores when <paramref name="parallel"/>.</summary>
    public void Fill(bool parallel = true)
    {
        ObjectDisposedException.ThrowIf(Volatile.Read(ref _disposed) != 0, this);
        var missing = Capacity - _ready.Count;
        if (parallel)
        {
            Parallel.For(0, Math.Max(0, missing), _ => AddOne(CancellationToken.None, wait: false));
        }
        else
        {
            for (var i = 0; i < missing; i++)
            {
                AddOne(CancellationToken.None, wait: false);
            }
        }
    }

    public void Dispose()
    {
        if (Interlocked.Exchange(ref _disposed, 1) != 0)
        {
            return;
        }

        _stop.Cancel();
        _filler?.Join();
        while (_ready.TryDequeue(out var randomizer))
        {
            randomizer.Discard();
        }

        _stop.Dispose();
        _space.Dispose();
    }

    private void FillForever()
    {
        try
        {
            while (!_stop.IsCancellationRequested)
            {
                AddOne(_stop.Token, wait: true);
            }
        }
        catch (OperationCanceledException)
        {
            // Disposed.
        }
    }

    /// <summary>Adds one randomiser if there is room (waiting for room when <paramref name="wait"/>).</summary>
    private void AddOne(CancellationToken cancellationToken, bool wait)
    {
        if (wait)
        {
            _space.Wait(cancellationToken);
        }
        else if (!_space.Wait(0, cancellationToken))
        {
            return;
        }

        _ready.Enqueue(PublicKey.CreateRandomizer(Randomness));
    }
}
