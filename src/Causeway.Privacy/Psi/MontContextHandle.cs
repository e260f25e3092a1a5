using Microsoft.Win32.SafeHandles;

namespace Causeway.Privacy.Psi;

/// <summary>Owns a <c>BN_MONT_CTX</c> from libcrypto; not thread-safe unless stated by OpenSSL.</summary>
internal sealed class MontContextHandle : SafeHandleZeroOrMinusOneIsInvalid
{
    public MontContextHandle()
        : base(ownsHandle: true)
    {
    }

    protected override bool ReleaseHandle()
    {
        OpenSslNative.BnMontCtxFree(handle);
        return true;
    }
}
