namespace Causeway.Vectors.Indexes;

/// <summary>
/// The vectors of a collection in one contiguous array, one slot per record with its index key (a slot freed by a delete
/// is reused). Not thread-safe: the collection guards it.
/// </summary>
internal sealed class VectorArena(int dimension)
{
    private float[] _values = new float[dimension * 16];
    private bool[] _alive = new bool[16];
    private ulong[] _keys = new ulong[16];
    private readonly Stack<int> _free = new();

    public int Dimension { get; } = dimension;

    /// <summary>Slots in use or freed: every live slot is below it.</summary>
    public int Extent { get; private set; }

    public int Count { get; private set; }

    public bool IsAlive(int slot) => slot < Extent && _alive[slot];

    public ReadOnlySpan<float> this[int slot] => _values.AsSpan(slot * Dimension, Dimension);

    public ulong KeyOf(int slot) => _keys[slot];

    /// <summary>Stores a new vector under its index key and returns its slot.</summary>
    public int Add(ulong key, ReadOnlySpan<float> vector)
    {
        var slot = _free.Count > 0 ? _free.Pop() : Extent++;
        if (slot >= _alive.Length)
        {
            var capacity = _alive.Length * 2;
            Array.Resize(ref _alive, capacity);
            Array.Resize(ref _keys, capacity);
            Array.Resize(ref _values, capacity * Dimension);
        }

        vector.CopyTo(_values.AsSpan(slot * Dimension, Dimension));
        _alive[slot] = true;
        _keys[slot] = key;
        Count++;
        return slot;
    }

    public void Replace(int slot, ReadOnlySpan<float> vector) => vector.CopyTo(_values.AsSpan(slot * Dimension, Dimension));

    public void Free(int slot)
    {
        _alive[slot] = false;
        _free.Push(slot);
        Count--;
    }
}
