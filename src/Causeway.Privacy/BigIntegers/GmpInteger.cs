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

    public void Import(ReadOnlySpan<byte> bigEndian)
    {
        fixed (byte* bytes = bigEndian)
        {
            // order 1: most significant word first; words of 1 byte, so endianness and nails do not apply.
            GmpNative.Import(Pointer, (nuint)bigEndian.Length, 1, 1, 1, 0, bytes);
        }
    }

    /// <summary>Writes the (non-negative) value as unsigned big-endian bytes, left-padded with zeros to the destination's width.</summary>
    public void Export(Span<byte> destination)
    {
        System.Diagnostics.Debug.Assert(Pointer->Size >= 0, "Only non-negative values are exported.");
        var length = ByteLength;
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
            GmpNative.Export(bytes, &written, 1, 1, 1, 0, Pointer);
        }

        System.Diagnostics.Debug.Assert((int)written == length, "mpz_export wrote the size mpz_sizeinbase announced.");
    }

    protected override bool ReleaseHandle()
    {
        var mpz = (GmpNative.Mpz*)handle;
        if (mpz->Limbs is not null && mpz->Alloc > 0)
        {
            new Span<ulong>(mpz->Limbs, mpz->Alloc).Clear();
        }

        GmpNative.Clear(mpz);
        NativeMemory.Free(mpz);
        return true;
    }
}
