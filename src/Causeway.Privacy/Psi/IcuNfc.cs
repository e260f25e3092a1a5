using System.Runtime.InteropServices;

namespace Causeway.Privacy.Psi;

/// <summary>
/// Unicode NFC through ICU's <c>unorm2</c> C API, bound at run time. The solution runs with
/// <c>InvariantGlobalization</c>, where <see cref="string.Normalize()"/> returns its input unchanged, so PSI calls ICU
/// itself: two parties must normalise IDs identically or equal IDs would not match. ICU exports versioned symbols
/// (<c>unorm2_normalize_72</c>), so the library and suffix are probed like .NET's own globalization code does.
/// </summary>
internal static unsafe class IcuNfc
{
    private const int BufferOverflowError = 15;
    private static readonly Lazy<Functions> Bound = new(Bind);

    /// <summary>The NFC form of <paramref name="text"/>.</summary>
    public static string Normalize(string text)
    {
        var functions = Bound.Value;
        var error = 0;
        var nfc = functions.GetNfcInstance(&error);
        Check(error, "unorm2_getNFCInstance");
        fixed (char* source = text)
        {
            if (functions.IsNormalized(nfc, source, text.Length, &error) != 0 && error <= 0)
            {
                return text;
            }

            error = 0;
            var capacity = text.Length * 3 + 16;
            var buffer = new char[capacity];
            fixed (char* destination = buffer)
            {
                var length = functions.Normalize(nfc, source, text.Length, destination, capacity, &error);
                Check(error, "unorm2_normalize");
                return new string(buffer, 0, length);
            }
        }
    }

    private static void Check(int error, string function)
    {
        // ICU: U_ZERO_ERROR = 0, warnings < 0, failures > 0.
        if (error > 0)
        {
            throw new InvalidOperationException(error == BufferOverflowError
                ? $"ICU {function}: the NFC form is longer than the buffer."
                : $"ICU {function} failed with UErrorCode {error}.");
        }
    }

    private static Functions Bind()
    {
        for (var version = 90; version >= 50; version--)
        {
            if (!NativeLibrary.TryLoad($"libicuuc.so.{version}", out var library))
            {
                continue;
            }

            var suffix = $"_{version}";
            if (NativeLibrary.TryGetExport(library, "unorm2_getNFCInstance" + suffix, out var getNfc)
                && NativeLibrary.TryGetExport(library, "unorm2_normalize" + suffix, out var normalize)
                && NativeLibrary.TryGetExport(library, "unorm2_isNormalized" + suffix, out var isNormalized))
            {
                return new Functions(
                    (delegate* unmanaged<int*, nint>)getNfc,
                    (delegate* unmanaged<nint, char*, int, char*, int, int*, int>)normalize,
                    (delegate* unmanaged<nint, char*, int, int*, sbyte>)isNormalized);
            }
        }

        throw new PlatformNotSupportedException("PSI needs ICU (libicuuc.so.50 to .90) to put IDs in Unicode NFC; none was found.");
    }

    private sealed class Functions(
        delegate* unmanaged<int*, nint> getNfcInstance,
        delegate* unmanaged<nint, char*, int, char*, int, int*, int> normalize,
        delegate* unmanaged<nint, char*, int, int*, sbyte> isNormalized)
    {
        public nint GetNfcInstance(int* error) => getNfcInstance(error);

        public int Normalize(nint nfc, char* source, int length, char* destination, int capacity, int* error) => normalize(nfc, source, length, destination, capacity, error);

        public sbyte IsNormalized(nint nfc, char* source, int length, int* error) => isNormalized(nfc, source, length, error);
    }
}
