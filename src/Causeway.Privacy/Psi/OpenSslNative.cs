using System.Runtime.InteropServices;

namespace Causeway.Privacy.Psi;

/// <summary>
/// The OpenSSL 3 <c>EC_*</c> and <c>BN_*</c> functions ECDH-PSI needs, bound from <c>libcrypto.so.3</c> (the library
/// .NET's own cryptography loads on Linux). Calling <c>EC_POINT_mul</c> directly avoids the per-call peer-key validation
/// of <see cref="System.Security.Cryptography.ECDiffieHellman"/>; points from peers are validated here explicitly, by
/// <c>EC_POINT_oct2point</c> (which refuses encodings not on the curve).
/// </summary>
internal static partial class OpenSslNative
{
    public const string Library = "libcrypto.so.3";

    /// <summary><c>NID_X9_62_prime256v1</c>: NIST P-256.</summary>
    public const int NidP256 = 415;

    /// <summary><c>POINT_CONVERSION_UNCOMPRESSED</c>.</summary>
    public const int PointConversionUncompressed = 4;

    [LibraryImport(Library, EntryPoint = "EC_GROUP_new_by_curve_name")]
    public static partial EcGroupHandle EcGroupNewByCurveName(int nid);

    [LibraryImport(Library, EntryPoint = "EC_GROUP_free")]
    public static partial void EcGroupFree(nint group);

    [LibraryImport(Library, EntryPoint = "EC_GROUP_get0_field")]
    public static partial nint EcGroupGet0Field(EcGroupHandle group);

    [LibraryImport(Library, EntryPoint = "EC_POINT_new")]
    public static partial EcPointHandle EcPointNew(EcGroupHandle group);

    [LibraryImport(Library, EntryPoint = "EC_POINT_free")]
    public static partial void EcPointFree(nint point);

    /// <summary><c>r = n·G + m·q</c>; a null <paramref name="n"/> leaves out the generator term.</summary>
    [LibraryImport(Library, EntryPoint = "EC_POINT_mul")]
    public static partial int EcPointMul(EcGroupHandle group, EcPointHandle r, nint n, EcPointHandle q, BigNumHandle m, BnContextHandle ctx);

    [LibraryImport(Library, EntryPoint = "EC_POINT_add")]
    public static partial int EcPointAdd(EcGroupHandle group, EcPointHandle r, EcPointHandle a, EcPointHandle b, BnContextHandle ctx);

    [LibraryImport(Library, EntryPoint = "EC_POINT_point2oct")]
    public static unsafe partial nuint EcPointPoint2Oct(EcGroupHandle group, EcPointHandle point, int form, byte* buffer, nuint length, BnContextHandle ctx);

    [LibraryImport(Library, EntryPoint = "EC_POINT_oct2point")]
    public static unsafe partial int EcPointOct2Point(EcGroupHandle group, EcPointHandle point, byte* buffer, nuint length, BnContextHandle ctx);

    /// <summary>Sets an affine point; fails (0) when (x, y) is not on the curve.</summary>
    [LibraryImport(Library, EntryPoint = "EC_POINT_set_affine_coordinates")]
    public static partial int EcPointSetAffineCoordinates(EcGroupHandle group, EcPointHandle point, BigNumHandle x, BigNumHandle y, BnContextHandle ctx);

    [LibraryImport(Library, EntryPoint = "BN_new")]
    public static partial BigNumHandle BnNew();

    [LibraryImport(Library, EntryPoint = "BN_clear_free")]
    public static partial void BnClearFree(nint bn);

    [LibraryImport(Library, EntryPoint = "BN_bin2bn")]
    public static unsafe partial nint BnBin2Bn(byte* bytes, int length, BigNumHandle ret);

    [LibraryImport(Library, EntryPoint = "BN_nnmod")]
    public static partial int BnNonNegativeMod(BigNumHandle r, BigNumHandle a, nint m, BnContextHandle ctx);

    [LibraryImport(Library, EntryPoint = "BN_mod_mul")]
    public static partial int BnModMul(BigNumHandle r, BigNumHandle a, BigNumHandle b, nint m, BnContextHandle ctx);

    [LibraryImport(Library, EntryPoint = "BN_mod_add")]
    public static partial int BnModAdd(BigNumHandle r, BigNumHandle a, BigNumHandle b, nint m, BnContextHandle ctx);

    [LibraryImport(Library, EntryPoint = "BN_mod_sub")]
    public static partial int BnModSub(BigNumHandle r, BigNumHandle a, BigNumHandle b, nint m, BnContextHandle ctx);

    [LibraryImport(Library, EntryPoint = "BN_mod_exp_mont")]
    public static partial int BnModExpMont(BigNumHandle r, BigNumHandle a, BigNumHandle p, nint m, BnContextHandle ctx, MontContextHandle mont);

    [LibraryImport(Library, EntryPoint = "BN_cmp")]
    public static partial int BnCompare(BigNumHandle a, BigNumHandle b);

    [LibraryImport(Library, EntryPoint = "BN_copy")]
    public static partial nint BnCopy(BigNumHandle to, BigNumHandle from);

    [LibraryImport(Library, EntryPoint = "BN_MONT_CTX_new")]
    public static partial MontContextHandle BnMontCtxNew();

    [LibraryImport(Library, EntryPoint = "BN_MONT_CTX_set")]
    public static partial int BnMontCtxSet(MontContextHandle mont, nint modulus, BnContextHandle ctx);

    [LibraryImport(Library, EntryPoint = "BN_MONT_CTX_free")]
    public static partial void BnMontCtxFree(nint mont);

    [LibraryImport(Library, EntryPoint = "BN_mod_inverse")]
    public static partial nint BnModInverse(BigNumHandle r, BigNumHandle a, nint m, BnContextHandle ctx);

    [LibraryImport(Library, EntryPoint = "BN_is_zero")]
    public static partial int BnIsZero(BigNumHandle a);

    [LibraryImport(Library, EntryPoint = "BN_is_odd")]
    public static partial int BnIsOdd(BigNumHandle a);

    [LibraryImport(Library, EntryPoint = "BN_CTX_new")]
    public static partial BnContextHandle BnCtxNew();

    [LibraryImport(Library, EntryPoint = "BN_CTX_free")]
    public static partial void BnCtxFree(nint ctx);

    [LibraryImport(Library, EntryPoint = "ERR_clear_error")]
    public static partial void ErrClearError();
}
