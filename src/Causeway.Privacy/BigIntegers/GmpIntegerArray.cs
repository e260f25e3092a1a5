using System.Runtime.InteropServices;

namespace Causeway.Privacy.BigIntegers;

/// <summary>
/// A block of <see cref="Count"/> GMP integers (<c>mpz_t</c>, one native allocation, each <c>mpz_init</c>-ed), released
/// with <c>mpz_clear</c> after their limbs are zeroed: a table of precomputed powers kept in GMP's own form.
/// </summary>
internal sealed unsafe class GmpIntegerArray : SafeHandle
{
    public GmpIntegerArray(int count)
        : base(0, ownsHandle: true)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(count);
        Count = count;
        var block = (GmpNative.Mpz*)NativeMemory.AllocZeroed((nuint)count, (nuint)sizeof(GmpNative.Mpz));
        for (var i = 0; i < count; i++)
        {
            GmpNative.Init(block + i);
        }

        SetHandle((nint)block);
    }

    public int Count { get; }

    public override bool IsInvalid => handle == 0;

    /// <summary>Integer <paramref name="index"/>; valid while this handle is alive (callers hold a reference with <c>DangerousAddRef</c> or <c>using</c>).</summary>
    public GmpNative.Mpz* this[int index]
    {
        get
        {
            System.Diagnostics.Debug.Assert((uint)index < (uint)Count, "Index within the block.");
            return (GmpNative.Mpz*)handle + index;
        }
    }

    protected override bool ReleaseHandle()
    {
        var block = (GmpNative.Mpz*)handle;
        for (var i = 0; i < Count; i++)
        {
            GmpInteger.WipeAndClear(block + i);
        }

        NativeMemory.Free(block);
        return true;
    }
}
