using Microsoft.Win32.SafeHandles;

namespace Causeway.Privacy.Psi;

/// <summary>Owns a <c>BN_CTX</c> from libcrypto; not thread-safe unless stated by OpenSSL.</summary>
internal sealed class BnContextHandle : SafeHandleZeroOrMinusOneIsInvalid
{
    public BnContextHandle()
        : base(ownsHandle: true)
    {
    }

    protected override bool ReleaseHandle()
    {
        OpenSslNative.BnCtxFree(handle);
        return true;
    }
}
