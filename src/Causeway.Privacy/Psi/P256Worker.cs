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
    private readonly BigNumHandle[] _t = [.. Enumerable.Range(0, 10).Select(_ => OpenSslNative.BnNew())];
    private readonly BigNumHandle _zero = OpenSslNative.BnNew();
    private readonly BigNumHandle _one = OpenSslNative.BnNew();
    private readonly MontContextHandle _mont = OpenSslNative.BnMontCtxNew();
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
        Check(!_ctx.IsInvalid && !_p0.IsInvalid && !_p1.IsInvalid && !_result.IsInvalid && !_mont.IsInvalid, "allocation");
        Check(OpenSslNative.BnMontCtxSet(_mont, group.FieldPrime, _ctx) == 1, "BN_MONT_CTX_set");
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
        foreach (var t in _t)
        {
            t.Dispose();
        }

        _zero.Dispose();
        _one.Dispose();
        _mont.Dispose();
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
    /// The simplified SWU map (RFC 9380 §6.6.2) of u = OS2IP(<paramref name="uniform"/>) mod p, in the straight-line form
    /// of appendix F.2 with <c>sqrt_ratio</c> for q ≡ 3 (mod 4) (F.2.1.2): one exponentiation and one inversion per map.
    /// x = x1 = tv3/tv4 when g(x1) = U/V is a square, else x2 = Z·u²·x1; y = √g(x) with sgn0(y) = sgn0(u).
    /// </summary>
    private void MapToCurve(ReadOnlySpan<byte> uniform, EcPointHandle point)
    {
        var g = _group;
        SetBytes(_t[0], uniform);
        Check(OpenSslNative.BnNonNegativeMod(_u, _t[0], g.FieldPrime, _ctx) == 1, "BN_nnmod");
        var (tv1, tv2, tv3, tv4, tv5, tv6) = (_t[0], _t[1], _t[2], _t[3], _t[4], _t[5]);
        var (y1, y2, x, y) = (_t[6], _t[7], _t[8], _t[9]);

        Mul(tv1, _u, _u);
        Mul(tv1, g.Z, tv1);                 // tv1 = Z·u²
        Mul(tv2, tv1, tv1);
        Add(tv2, tv2, tv1);                 // tv2 = Z²u⁴ + Z·u²
        Add(tv3, tv2, _one);
        Mul(tv3, g.BConstant, tv3);         // tv3 = B·(tv2 + 1)
        if (OpenSslNative.BnIsZero(tv2) == 1)
        {
            Check(OpenSslNative.BnCopy(tv4, g.Z) != 0, "BN_copy");
        }
        else
        {
            Sub(tv4, _zero, tv2);
        }

        Mul(tv4, g.A, tv4);                 // tv4 = A·(Z or −tv2): x1 = tv3 / tv4
        Mul(tv2, tv3, tv3);
        Mul(tv6, tv4, tv4);
        Mul(tv5, g.A, tv6);
        Add(tv2, tv2, tv5);
        Mul(tv2, tv2, tv3);
        Mul(tv6, tv6, tv4);
        Mul(tv5, g.BConstant, tv6);
        Add(tv2, tv2, tv5);                 // g(x1) = tv2 / tv6
        Mul(x, tv1, tv3);                   // x2 numerator

        // sqrt_ratio(tv2, tv6): y1 = (tv2·tv6)·(tv2·tv6³)^c1 is √(tv2/tv6) when that is a square, else y1·√(−Z) is √(Z·tv2/tv6).
        Mul(tv5, tv6, tv6);
        Mul(y2, tv2, tv6);
        Mul(tv5, tv5, y2);
        Check(OpenSslNative.BnModExpMont(y1, tv5, g.SqrtExponent, g.FieldPrime, _ctx, _mont) == 1, "BN_mod_exp_mont");
        Mul(y1, y1, y2);
        Mul(tv5, y1, y1);
        Mul(tv5, tv5, tv6);
        if (OpenSslNative.BnCompare(tv5, tv2) == 0)
        {
            Check(OpenSslNative.BnCopy(x, tv3) != 0, "BN_copy");
            Check(OpenSslNative.BnCopy(y, y1) != 0, "BN_copy");
        }
        else
        {
            Mul(y1, y1, g.SqrtMinusZ);
            Mul(y, tv1, _u);
            Mul(y, y, y1);
        }

        if (OpenSslNative.BnIsOdd(_u) != OpenSslNative.BnIsOdd(y))
        {
            Sub(y, _zero, y);
        }

        Check(OpenSslNative.BnModInverse(tv4, tv4, g.FieldPrime, _ctx) != 0, "BN_mod_inverse");
        Mul(x, x, tv4);
        Check(OpenSslNative.EcPointSetAffineCoordinates(g.Handle, point, x, y, _ctx) == 1, "EC_POINT_set_affine_coordinates (SWU output off the curve)");
    }

    private void Mul(BigNumHandle r, BigNumHandle a, BigNumHandle b) =>
        Check(OpenSslNative.BnModMul(r, a, b, _group.FieldPrime, _ctx) == 1, "BN_mod_mul");

    private void Add(BigNumHandle r, BigNumHandle a, BigNumHandle b) =>
        Check(OpenSslNative.BnModAdd(r, a, b, _group.FieldPrime, _ctx) == 1, "BN_mod_add");

    private void Sub(BigNumHandle r, BigNumHandle a, BigNumHandle b) =>
        Check(OpenSslNative.BnModSub(r, a, b, _group.FieldPrime, _ctx) == 1, "BN_mod_sub");

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
