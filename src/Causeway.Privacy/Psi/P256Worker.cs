using System.Diagnostics;

namespace Causeway.Privacy.Psi;

/// <summary>
/// One thread's scratch state for P-256 work: a <c>BN_CTX</c>, temporaries and points, the secret scalar and the
/// hash-to-curve expander. Not thread-safe; <see cref="EcdhPsiCipher"/> creates one per parallel partition.
/// </summary>
internal sealed unsafe class P256Worker : IDisposable
{
    /// <summary>Bytes of hash_to_field output per field element: L = ceil((ceil(log2 p) + k) / 8) with k = 128.</summary>
    private const int FieldElementBytes = 48;

    private readonly P256Group _group;
    private readonly BnContextHandle _ctx = OpenSslNative.BnCtxNew();
    private readonly BigNumHandle _scalar = OpenSslNative.BnNew();
    private readonly BigNumHandle _u = OpenSslNative.BnNew();
    private readonly BigNumHandle _t1 = OpenSslNative.BnNew();
    private readonly BigNumHandle _t2 = OpenSslNative.BnNew();
    private readonly BigNumHandle _x = OpenSslNative.BnNew();
    private readonly BigNumHandle _one = OpenSslNative.BnNew();
    private readonly EcPointHandle _p0;
    private readonly EcPointHandle _p1;
    private readonly EcPointHandle _result;
    private readonly ExpandMessageXmd? _expander;

    public P256Worker(P256Group group, ReadOnlySpan<byte> scalar, ReadOnlySpan<byte> dst)
    {
        _group = group;
        _p0 = OpenSslNative.EcPointNew(group.Handle);
        _p1 = OpenSslNative.EcPointNew(group.Handle);
        _result = OpenSslNative.EcPointNew(group.Handle);
        Check(!_ctx.IsInvalid && !_p0.IsInvalid && !_p1.IsInvalid && !_result.IsInvalid, "allocation");
        SetBytes(_scalar, scalar);
        SetBytes(_one, [1]);
        _expander = dst.IsEmpty ? null : new ExpandMessageXmd(dst);
    }

    /// <summary>
    /// <c>hash_to_curve</c> of RFC 9380 for the suite P256_XMD:SHA-256_SSWU_RO_ (the DST given at construction) of
    /// <c>prefix ‖ message</c>, written uncompressed (65 bytes) to <paramref name="destination"/>.
    /// </summary>
    public void HashToCurve(ReadOnlySpan<byte> prefix, ReadOnlySpan<byte> message, Span<byte> destination)
    {
        HashToPoint(prefix, message);
        Write(_result, destination);
    }

    /// <summary><c>k · hash_to_curve(prefix ‖ message)</c>, uncompressed: the first ECDH-PSI encryption of an ID.</summary>
    public void HashAndMultiply(ReadOnlySpan<byte> prefix, ReadOnlySpan<byte> message, Span<byte> destination)
    {
        HashToPoint(prefix, message);
        Check(OpenSslNative.EcPointMul(_group.Handle, _p0, 0, _result, _scalar, _ctx) == 1, "EC_POINT_mul");
        Write(_p0, destination);
    }

    /// <summary>
    /// <c>k · P</c> for an uncompressed point P from a peer, written uncompressed. Returns false (writing nothing) when the
    /// bytes are not an uncompressed point on P-256 (libcrypto checks the curve equation) or are the point at infinity.
    /// </summary>
    public bool TryMultiply(ReadOnlySpan<byte> point, Span<byte> destination)
    {
        if (point.Length != EcdhPsiCipher.PointBytes || point[0] != 4)
        {
            return false;
        }

        fixed (byte* p = point)
        {
            if (OpenSslNative.EcPointOct2Point(_group.Handle, _p1, p, (nuint)point.Length, _ctx) != 1)
            {
                OpenSslNative.ErrClearError();
                return false;
            }
        }

        Check(OpenSslNative.EcPointMul(_group.Handle, _p0, 0, _p1, _scalar, _ctx) == 1, "EC_POINT_mul");
        Write(_p0, destination);
        return true;
    }

    /// <summary>Sets up <see cref="RawMultiply"/>: a point to multiply (the hash of a fixed message).</summary>
    public void PrepareRawMultiply(ReadOnlySpan<byte> prefix) => HashToPoint(prefix, "ec-mul-probe"u8);

    /// <summary><paramref name="times"/> bare <c>EC_POINT_mul</c> calls k·P (the benchmark's baseline).</summary>
    public void RawMultiply(int times)
    {
        for (var i = 0; i < times; i++)
        {
            Check(OpenSslNative.EcPointMul(_group.Handle, _p0, 0, _result, _scalar, _ctx) == 1, "EC_POINT_mul");
        }
    }

    /// <summary>The two SWU points of <c>hash_to_field(msg, 2)</c>, for the RFC's intermediate test vectors.</summary>
    internal void MapToCurveForTest(ReadOnlySpan<byte> message, Span<byte> q0Uncompressed, Span<byte> q1Uncompressed)
    {
        Span<byte> uniform = stackalloc byte[2 * FieldElementBytes];
        _expander!.Expand([], message, uniform);
        MapToCurve(uniform[..FieldElementBytes], _p0);
        MapToCurve(uniform[FieldElementBytes..], _p1);
        Write(_p0, q0Uncompressed);
        Write(_p1, q1Uncompressed);
    }

    public void Dispose()
    {
        _p0.Dispose();
        _p1.Dispose();
        _result.Dispose();
        _scalar.Dispose();
        _u.Dispose();
        _t1.Dispose();
        _t2.Dispose();
        _x.Dispose();
        _one.Dispose();
        _ctx.Dispose();
        _expander?.Dispose();
    }

    /// <summary>RFC 9380 §3 <c>hash_to_curve</c>: Q0 = map(u0), Q1 = map(u1), R = Q0 + Q1 (P-256's cofactor is 1).</summary>
    private void HashToPoint(ReadOnlySpan<byte> prefix, ReadOnlySpan<byte> message)
    {
        Debug.Assert(_expander is not null);
        Span<byte> uniform = stackalloc byte[2 * FieldElementBytes];
        _expander.Expand(prefix, message, uniform);
        MapToCurve(uniform[..FieldElementBytes], _p0);
        MapToCurve(uniform[FieldElementBytes..], _p1);
        Check(OpenSslNative.EcPointAdd(_group.Handle, _result, _p0, _p1, _ctx) == 1, "EC_POINT_add");
    }

    /// <summary>
    /// The simplified SWU map (RFC 9380 §6.6.2) of u = OS2IP(<paramref name="uniform"/>) mod p:
    /// tv1 = inv0(Z²u⁴ + Zu²); x1 = (−B/A)(1 + tv1), or B/(ZA) when tv1 = 0; x = x1 when g(x1) is a square, else
    /// x2 = Zu²·x1; y = √g(x) with sgn0(y) = sgn0(u). libcrypto's <c>EC_POINT_set_compressed_coordinates</c> takes the
    /// square root and picks y by parity (sgn0 for a prime field), and fails exactly when g(x) is not a square.
    /// </summary>
    private void MapToCurve(ReadOnlySpan<byte> uniform, EcPointHandle point)
    {
        var p = _group.FieldPrime;
        SetBytes(_t1, uniform);
        Check(OpenSslNative.BnNonNegativeMod(_u, _t1, p, _ctx) == 1, "BN_nnmod");
        var sign = OpenSslNative.BnIsOdd(_u);

        Check(OpenSslNative.BnModMul(_t2, _u, _u, p, _ctx) == 1, "BN_mod_mul");
        Check(OpenSslNative.BnModMul(_t2, _t2, _group.Z, p, _ctx) == 1, "BN_mod_mul"); // t2 = Z·u²
        Check(OpenSslNative.BnModMul(_t1, _t2, _t2, p, _ctx) == 1, "BN_mod_mul");
        Check(OpenSslNative.BnModAdd(_t1, _t1, _t2, p, _ctx) == 1, "BN_mod_add"); // t1 = Z²u⁴ + Zu²
        if (OpenSslNative.BnIsZero(_t1) == 1)
        {
            Check(OpenSslNative.BnModMul(_x, _group.BOverZA, _one, p, _ctx) == 1, "BN_mod_mul");
        }
        else
        {
            Check(OpenSslNative.BnModInverse(_t1, _t1, p, _ctx) != 0, "BN_mod_inverse");
            Check(OpenSslNative.BnModAdd(_t1, _t1, _one, p, _ctx) == 1, "BN_mod_add");
            Check(OpenSslNative.BnModMul(_x, _t1, _group.MinusBOverA, p, _ctx) == 1, "BN_mod_mul");
        }

        if (OpenSslNative.EcPointSetCompressedCoordinates(_group.Handle, point, _x, sign, _ctx) == 1)
        {
            return;
        }

        OpenSslNative.ErrClearError();
        Check(OpenSslNative.BnModMul(_x, _x, _t2, p, _ctx) == 1, "BN_mod_mul"); // x2 = Z·u²·x1
        Check(OpenSslNative.EcPointSetCompressedCoordinates(_group.Handle, point, _x, sign, _ctx) == 1, "EC_POINT_set_compressed_coordinates(x2)");
    }

    private void Write(EcPointHandle point, Span<byte> destination)
    {
        Debug.Assert(destination.Length >= EcdhPsiCipher.PointBytes);
        fixed (byte* p = destination)
        {
            var written = OpenSslNative.EcPointPoint2Oct(_group.Handle, point, OpenSslNative.PointConversionUncompressed, p, EcdhPsiCipher.PointBytes, _ctx);
            Check(written == EcdhPsiCipher.PointBytes, "EC_POINT_point2oct");
        }
    }

    private static void SetBytes(BigNumHandle bn, ReadOnlySpan<byte> bigEndian)
    {
        fixed (byte* p = bigEndian)
        {
            Check(OpenSslNative.BnBin2Bn(p, bigEndian.Length, bn) != 0, "BN_bin2bn");
        }
    }

    private static void Check(bool ok, string function)
    {
        if (!ok)
        {
            OpenSslNative.ErrClearError();
            throw new InvalidOperationException($"{OpenSslNative.Library}: {function} failed.");
        }
    }
}
