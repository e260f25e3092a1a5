using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using Causeway.Cli.Output;
using Causeway.Protocol.Security;

namespace Causeway.Cli.Composition;

/// <summary>
/// Loads the PEM files a user points the CLI at; a missing or unreadable file is a <see cref="CliException"/> that names
/// the option or folder and says where the right file comes from (instead of "BIO routines::no such file").
/// </summary>
internal static class PemFiles
{
    /// <summary>Loads a certificate without its key (a CA certificate to trust).</summary>
    /// <param name="path">The file.</param>
    /// <param name="source">What named it, e.g. "--ca".</param>
    /// <param name="hint">Where the right file comes from.</param>
    public static X509Certificate2 LoadCertificate(string path, string source, string hint)
    {
        ThrowIfMissing(path, source, hint);
        try
        {
            return DevCertificates.LoadPem(path);
        }
        catch (CryptographicException e)
        {
            throw new CliException($"{source} {path} is not a PEM certificate ({e.Message.TrimEnd('.')})", hint, innerException: e);
        }
    }

    /// <summary>Loads a certificate with its private key (a server or client certificate to present).</summary>
    /// <param name="certificatePath">The certificate file.</param>
    /// <param name="keyPath">Its private key file.</param>
    /// <param name="source">What named them, e.g. "--cert/--key".</param>
    /// <param name="hint">Where the right files come from.</param>
    public static X509Certificate2 LoadWithKey(string certificatePath, string keyPath, string source, string hint)
    {
        ThrowIfMissing(certificatePath, source, hint);
        ThrowIfMissing(keyPath, source, hint);
        try
        {
            return DevCertificates.LoadPem(certificatePath, keyPath);
        }
        catch (CryptographicException e)
        {
            throw new CliException($"{source}: {certificatePath} and {keyPath} are not a PEM certificate and its private key ({e.Message.TrimEnd('.')})", hint, innerException: e);
        }
    }

    private static void ThrowIfMissing(string path, string source, string hint)
    {
        if (File.Exists(path))
        {
            return;
        }

        var folder = Path.GetDirectoryName(Path.GetFullPath(path));
        throw new CliException(
            Directory.Exists(folder) ? $"{source}: no such file: {path}" : $"{source}: no such folder: {folder} (for {Path.GetFileName(path)})",
            hint);
    }
}
