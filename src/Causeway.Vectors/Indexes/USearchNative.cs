using System.Runtime.InteropServices;

namespace Causeway.Vectors.Indexes;

/// <summary>
/// The C API of USearch (unum-cloud/usearch, <c>c/usearch.h</c>, Apache-2.0), bound directly: the native library comes
/// with the Cloud.Unum.USearch package, whose managed wrapper has no per-query expansion (ef) and no filtered search.
/// Every call reports failure through its last argument, a C string owned by the library; <see cref="Check"/> turns it
/// into an exception.
/// </summary>
internal static unsafe partial class USearchNative
{
    private const string Library = "libusearch_c";

    public enum MetricKind : uint
    {
        Cosine = 1,
        InnerProduct = 2,
        L2Squared = 3,
    }

    public enum ScalarKind : uint
    {
        F32 = 1,
        F64 = 2,
        F16 = 3,
        I8 = 4,
    }

    [StructLayout(LayoutKind.Sequential)]
    public struct InitOptions
    {
        public MetricKind Metric;
        public nint CustomMetric;
        public ScalarKind Quantization;
        public nuint Dimensions;
        public nuint Connectivity;
        public nuint ExpansionAdd;
        public nuint ExpansionSearch;
        public byte Multi;
    }

    [LibraryImport(Library, EntryPoint = "usearch_init")]
    public static partial nint Init(ref InitOptions options, out nint error);

    [LibraryImport(Library, EntryPoint = "usearch_free")]
    public static partial void Free(nint index, out nint error);

    [LibraryImport(Library, EntryPoint = "usearch_save", StringMarshalling = StringMarshalling.Utf8)]
    public static partial void Save(nint index, string path, out nint error);

    [LibraryImport(Library, EntryPoint = "usearch_load", StringMarshalling = StringMarshalling.Utf8)]
    public static partial void Load(nint index, string path, out nint error);

    [LibraryImport(Library, EntryPoint = "usearch_size")]
    public static partial nuint Size(nint index, out nint error);

    [LibraryImport(Library, EntryPoint = "usearch_capacity")]
    public static partial nuint Capacity(nint index, out nint error);

    [LibraryImport(Library, EntryPoint = "usearch_memory_usage")]
    public static partial nuint MemoryUsage(nint index, out nint error);

    [LibraryImport(Library, EntryPoint = "usearch_serialized_length")]
    public static partial nuint SerializedLength(nint index, out nint error);

    [LibraryImport(Library, EntryPoint = "usearch_reserve")]
    public static partial void Reserve(nint index, nuint capacity, out nint error);

    [LibraryImport(Library, EntryPoint = "usearch_expansion_search")]
    public static partial nuint ExpansionSearch(nint index, out nint error);

    [LibraryImport(Library, EntryPoint = "usearch_change_expansion_search")]
    public static partial void ChangeExpansionSearch(nint index, nuint expansion, out nint error);

    [LibraryImport(Library, EntryPoint = "usearch_change_threads_search")]
    public static partial void ChangeThreadsSearch(nint index, nuint threads, out nint error);

    [LibraryImport(Library, EntryPoint = "usearch_change_threads_add")]
    public static partial void ChangeThreadsAdd(nint index, nuint threads, out nint error);

    [LibraryImport(Library, EntryPoint = "usearch_add")]
    public static partial void Add(nint index, ulong key, float* vector, ScalarKind kind, out nint error);

    [LibraryImport(Library, EntryPoint = "usearch_contains")]
    [return: MarshalAs(UnmanagedType.U1)]
    public static partial bool Contains(nint index, ulong key, out nint error);

    [LibraryImport(Library, EntryPoint = "usearch_remove")]
    public static partial nuint Remove(nint index, ulong key, out nint error);

    [LibraryImport(Library, EntryPoint = "usearch_search")]
    public static partial nuint Search(nint index, float* query, ScalarKind kind, nuint count, ulong* keys, float* distances, out nint error);

    [LibraryImport(Library, EntryPoint = "usearch_filtered_search")]
    public static partial nuint FilteredSearch(
        nint index, float* query, ScalarKind kind, nuint count, delegate* unmanaged<ulong, void*, int> filter, void* state, ulong* keys, float* distances, out nint error);

    [LibraryImport(Library, EntryPoint = "usearch_version")]
    public static partial nint Version();

    /// <summary>Throws when a call reported an error.</summary>
    /// <exception cref="InvalidOperationException">The library's message, after <paramref name="what"/>.</exception>
    public static void Check(nint error, string what)
    {
        if (error != 0)
        {
            throw new InvalidOperationException($"{what}: {Marshal.PtrToStringUTF8(error)}");
        }
    }
}
