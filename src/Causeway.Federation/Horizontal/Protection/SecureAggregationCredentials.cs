using System.Security.Cryptography;

namespace Causeway.Federation.Horizontal.Protection;

/// <summary>
/// A party's long-term identity for authenticated secure aggregation: the private key of its client certificate, which
/// signs its round keys and its view of the survivors, and how it decides to trust another party's certificate.
/// </summary>
/// <remarks>
/// The coordinator relays the certificates (<see cref="SecureAggregationAdvertise.Roster"/>) but is not trusted for
/// them: <see cref="PublicKeyOf"/> must check the certificate against the federation CA the party was configured with
/// and that it names the party the roster says. A coordinator that holds the CA's key can mint identities, so a
/// deployment that wants this check to mean something keeps the CA key off the coordinator's host (docs/privacy.md).
/// </remarks>
/// <param name="SigningKey">Gives the party's ECDSA P-256 identity key (its client certificate's) when an authenticated session begins; the caller keeps ownership.</param>
/// <param name="PublicKeyOf">
/// Given a party id and a certificate (DER): the certificate's public key as a DER SubjectPublicKeyInfo when the
/// certificate is trusted for that party, otherwise null.
/// </param>
public sealed record SecureAggregationCredentials(Func<ECDsa> SigningKey, Func<PartyId, byte[], byte[]?> PublicKeyOf);
