using System.Globalization;
using System.Numerics;

namespace Causeway.Privacy.Psi;

/// <summary>
/// NIST P-256 from libcrypto plus the constants of the RFC 9380 simplified SWU map for it (A = −3, B = b, Z = −10) and of
/// its <c>sqrt_ratio</c> for q ≡ 3 (mod 4) (appendix F.2.1.2: c1 = (q − 3)/4, c2 = √(−Z)).
/// Read-only after construction, so one instance is shared by the <see cref="P256Worker"/>s of all threads.
/// </summary>
internal sealed class P256Group : IDisposable
{
    /// <summary>The field prime p = 2^256 − 2^224 + 2^192 + 2^96 − 1.</summary>
    public static readonly BigInteger Prime = Parse("ffffffff00000001000000000000000000000000ffffffffffffffffffffffff");

    /// <summary>The group order n.</summary>
    public static readonly BigInteger Order = Parse("ffffffff00000000ffffffffffffffffbce6faada7179e84f3b9cac2fc632551");

    private static readonly BigInteger B = Parse("5ac635d8aa3a93e7b3ebbd55769886bc651d06b0cc53b0f63bce3c3e27d2604b");

    public P256Group()
    {
        Handle = OpenSslNative.EcGroupNewByCurveName(OpenSslNative.NidP256);
        if (Handle.IsInvalid)
        {
            throw new InvalidOperationException($"{OpenSslNative.Library}: EC_GROUP_new_by_curve_name(P-256) failed.");
        }

        FieldPrime = OpenSslNative.EcGroupGet0Field(Handle);
        var z = Prime - 10;
        var c2 = BigInteger.ModPow(10, (Prime + 1) / 4, Prime);
        if (BigInteger.ModPow(c2, 2, Prime) != 10)
        {
            throw new InvalidOperationException("√(−Z) does not exist for P-256's Z = −10: the SWU constants are wrong.");
        }

        A = NewConstant(Prime - 3);
        BConstant = NewConstant(B);
        Z = NewConstant(z);
        SqrtExponent = NewConstant((Prime - 3) / 4);
        SqrtMinusZ = NewConstant(c2);
    }

    public EcGroupHandle Handle { get; }

    /// <summary>p as a <c>const BIGNUM*</c> owned by the group.</summary>
    public nint FieldPrime { get; }

    /// <summary>A = −3 mod p.</summary>
    public BigNumHandle A { get; }

    /// <summary>The curve's B.</summary>
    public BigNumHandle BConstant { get; }

    /// <summary>Z = −10 mod p.</summary>
    public BigNumHandle Z { get; }

    /// <summary>c1 = (p − 3)/4, the exponent of <c>sqrt_ratio</c>.</summary>
    public BigNumHandle SqrtExponent { get; }

    /// <summary>c2 = √(−Z) = √10 mod p.</summary>
    public BigNumHandle SqrtMinusZ { get; }

    public void Dispose()
    {
        A.Dispose();
        BConstant.Dispose();
        Z.Dispose();
        SqrtExponent.Dispose();
        SqrtMinusZ.Dispose();
        Handle.Dispose();
    }

    private static BigInteger Parse(string hex) => BigInteger.Parse("0" + hex, NumberStyles.HexNumber, CultureInfo.InvariantCulture);

    private static unsafe BigNumHandle NewConstant(BigInteger value)
    {
        var bytes = value.ToByteArray(isUnsigned: true, isBigEndian: true);
        var bn = OpenSslNative.BnNew();
        fixed (byte* p = bytes)
        {
            OpenSslNative.BnBin2Bn(p, bytes.Length, bn);
        }

        return bn;
    }
}
