using Microsoft.Win32.SafeHandles;

namespace Causeway.Privacy.Psi;

/// <summary>Owns an <c>EC_GROUP</c> from libcrypto; not thread-safe unless stated by OpenSSL.</summary>
internal sealed class EcGroupHandle : SafeHandleZeroOrMinusOneIsInvalid
{
    public EcGroupHandle()
        : base(ownsHandle: true)
    {
    }

    protected override bool ReleaseHandle()
    {
        OpenSslNative.EcGroupFree(handle);
        return true;
    }
}
