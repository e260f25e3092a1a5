using System.Runtime.InteropServices;

namespace Causeway.Privacy.BigIntegers;

/// <summary>
/// The GMP 6 <c>mpz</c> functions Paillier needs, bound from <c>libgmp.so.10</c>. The C API names (<c>mpz_powm</c>, ...)
/// are macros for the exported <c>__gmpz_*</c> symbols bound here. Every <c>mpz_t</c> argument is a pointer to a
/// <see cref="GmpInteger"/>'s native struct.
/// </summary>
internal static unsafe partial class GmpNative
{
    public const string Library = "libgmp.so.10";

    /// <summary>The layout of <c>__mpz_struct</c> on LP64 platforms.</summary>
    [StructLayout(LayoutKind.Sequential)]
    public struct Mpz
    {
        public int Alloc;
        public int Size;
        public ulong* Limbs;
    }

    [LibraryImport(Library, EntryPoint = "__gmpz_init")]
    public static partial void Init(Mpz* x);

    [LibraryImport(Library, EntryPoint = "__gmpz_clear")]
    public static partial void Clear(Mpz* x);

    [LibraryImport(Library, EntryPoint = "__gmpz_import")]
    public static partial void Import(Mpz* rop, nuint count, int order, nuint size, int endian, nuint nails, byte* op);

    [LibraryImport(Library, EntryPoint = "__gmpz_export")]
    public static partial void* Export(byte* rop, nuint* count, int order, nuint size, int endian, nuint nails, Mpz* op);

    [LibraryImport(Library, EntryPoint = "__gmpz_sizeinbase")]
    public static partial nuint SizeInBase(Mpz* op, int @base);

    [LibraryImport(Library, EntryPoint = "__gmpz_set")]
    public static partial void Set(Mpz* rop, Mpz* op);

    [LibraryImport(Library, EntryPoint = "__gmpz_set_ui")]
    public static partial void SetUInt(Mpz* rop, nuint op);

    [LibraryImport(Library, EntryPoint = "__gmpz_powm")]
    public static partial void PowMod(Mpz* rop, Mpz* @base, Mpz* exponent, Mpz* modulus);

    /// <summary><c>mpz_powm_sec</c>: side-channel resistant (constant time and memory pattern); needs an odd modulus and a positive exponent.</summary>
    [LibraryImport(Library, EntryPoint = "__gmpz_powm_sec")]
    public static partial void PowModSecure(Mpz* rop, Mpz* @base, Mpz* exponent, Mpz* modulus);

    [LibraryImport(Library, EntryPoint = "__gmpz_mul")]
    public static partial void Multiply(Mpz* rop, Mpz* left, Mpz* right);

    [LibraryImport(Library, EntryPoint = "__gmpz_mod")]
    public static partial void Mod(Mpz* rop, Mpz* value, Mpz* modulus);

    [LibraryImport(Library, EntryPoint = "__gmpz_invert")]
    public static partial int Invert(Mpz* rop, Mpz* value, Mpz* modulus);

    [LibraryImport(Library, EntryPoint = "__gmpz_gcd")]
    public static partial void Gcd(Mpz* rop, Mpz* left, Mpz* right);

    [LibraryImport(Library, EntryPoint = "__gmpz_cmp_ui")]
    public static partial int CompareToUInt(Mpz* left, nuint right);

    [LibraryImport(Library, EntryPoint = "__gmpz_probab_prime_p")]
    public static partial int ProbablyPrime(Mpz* value, int repetitions);
}
