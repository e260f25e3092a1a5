using System.Globalization;
using System.Numerics;

namespace Causeway.Privacy.Psi;

/// <summary>
/// NIST P-256 from libcrypto plus the constants of the RFC 9380 simplified SWU map for it (A = −3, B = b, Z = −10).
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
        var a = Prime - 3;
        var z = Prime - 10;
        MinusBOverA = NewConstant(Mod(-B * ModInverse(a)));
        BOverZA = NewConstant(Mod(B * ModInverse(z * a)));
        Z = NewConstant(z);
    }

    public EcGroupHandle Handle { get; }

    /// <summary>p as a <c>const BIGNUM*</c> owned by the group.</summary>
    public nint FieldPrime { get; }

    /// <summary>−B/A mod p, the SWU constant c1.</summary>
    public BigNumHandle MinusBOverA { get; }

    /// <summary>B/(Z·A) mod p, the SWU exceptional-case x.</summary>
    public BigNumHandle BOverZA { get; }

    /// <summary>Z = −10 mod p.</summary>
    public BigNumHandle Z { get; }

    public void Dispose()
    {
        MinusBOverA.Dispose();
        BOverZA.Dispose();
        Z.Dispose();
        Handle.Dispose();
    }

    private static BigInteger Parse(string hex) => BigInteger.Parse("0" + hex, NumberStyles.HexNumber, CultureInfo.InvariantCulture);

    private static BigInteger Mod(BigInteger value) => ((value % Prime) + Prime) % Prime;

    private static BigInteger ModInverse(BigInteger value) => BigInteger.ModPow(Mod(value), Prime - 2, Prime);

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
