using System.Runtime.InteropServices;

namespace Causeway.Privacy.BigIntegers;

/// <summary>
/// An owned GMP integer (<c>mpz_t</c>, natively allocated and <c>mpz_init</c>-ed), released with <c>mpz_clear</c>.
/// The limbs are zeroed before they are freed, so a secret (a prime factor, a decryption intermediate) does not linger in
/// freed memory; buffers GMP reallocates or uses as scratch inside a call are outside this reach.
/// </summary>
internal sealed unsafe class GmpInteger : SafeHandle
{
    public GmpInteger()
        : base(0, ownsHandle: true)
    {
        var mpz = (GmpNative.Mpz*)NativeMemory.AllocZeroed((nuint)sizeof(GmpNative.Mpz));
        GmpNative.Init(mpz);
        SetHandle((nint)mpz);
    }

    /// <summary>Creates the integer whose unsigned big-endian bytes are <paramref name="bigEndian"/> (empty is zero).</summary>
    public GmpInteger(ReadOnlySpan<byte> bigEndian)
        : this()
    {
        Import(bigEndian);
    }

    public override bool IsInvalid => handle == 0;

    /// <summary>The native <c>mpz_t</c>; valid while this handle is alive (callers keep it alive with <c>using</c>).</summary>
    public GmpNative.Mpz* Pointer => (GmpNative.Mpz*)handle;

    public bool IsZero => Pointer->Size == 0;

    public int ByteLength => IsZero ? 0 : (int)((GmpNative.SizeInBase(Pointer, 2) + 7) / 8);

    public void Import(ReadOnlySpan<byte> bigEndian) => Import(Pointer, bigEndian);

    /// <summary>Writes the (non-negative) value as unsigned big-endian bytes, left-padded with zeros to the destination's width.</summary>
    public void Export(Span<byte> destination) => Export(Pointer, destination);

    /// <summary>Sets an initialised <c>mpz_t</c> from unsigned big-endian bytes.</summary>
    public static void Import(GmpNative.Mpz* mpz, ReadOnlySpan<byte> bigEndian)
    {
        fixed (byte* bytes = bigEndian)
        {
            // order 1: most significant word first; words of 1 byte, so endianness and nails do not apply.
            GmpNative.Import(mpz, (nuint)bigEndian.Length, 1, 1, 1, 0, bytes);
        }
    }

    /// <summary>Writes a non-negative <c>mpz_t</c> as unsigned big-endian bytes, left-padded to the destination's width.</summary>
    public static void Export(GmpNative.Mpz* mpz, Span<byte> destination)
    {
        System.Diagnostics.Debug.Assert(mpz->Size >= 0, "Only non-negative values are exported.");
        var length = mpz->Size == 0 ? 0 : (int)((GmpNative.SizeInBase(mpz, 2) + 7) / 8);
        if (length > destination.Length)
        {
            throw new ArgumentException($"The value needs {length} bytes; the destination has {destination.Length}.", nameof(destination));
        }

        destination[..^length].Clear();
        if (length == 0)
        {
            return;
        }

        nuint written;
        fixed (byte* bytes = destination[^length..])
        {
            GmpNative.Export(bytes, &written, 1, 1, 1, 0, mpz);
        }

        System.Diagnostics.Debug.Assert((int)written == length, "mpz_export wrote the size mpz_sizeinbase announced.");
    }

    /// <summary>Zeroes the limbs of an initialised <c>mpz_t</c>, then <c>mpz_clear</c>s it.</summary>
    public static void WipeAndClear(GmpNative.Mpz* mpz)
    {
        if (mpz->Limbs is not null && mpz->Alloc > 0)
        {
            new Span<ulong>(mpz->Limbs, mpz->Alloc).Clear();
        }

        GmpNative.Clear(mpz);
    }

    protected override bool ReleaseHandle()
    {
        var mpz = (GmpNative.Mpz*)handle;
        WipeAndClear(mpz);
        NativeMemory.Free(mpz);
        return true;
    }
}
