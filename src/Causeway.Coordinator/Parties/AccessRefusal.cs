namespace Causeway.Coordinator.Parties;

/// <summary>Why a join or a protocol call was refused; the protocol endpoints choose the HTTP status.</summary>
internal enum AccessRefusal
{
    /// <summary>The party id is empty, too long or not printable (the request is wrong).</summary>
    InvalidPartyId,

    /// <summary>No such join token, an expired one, or no valid session token: the caller is not authenticated.</summary>
    NotAuthenticated,

    /// <summary>Authenticated, but not allowed: the token does not admit this party, or the client certificate names another party or is missing.</summary>
    Forbidden,

    /// <summary>The session token was valid, but a newer join of the same party replaced the session.</summary>
    SessionReplaced,

    /// <summary>A standby join for a party id that has a live session (it would have replaced it).</summary>
    PartyIdInUse,
}
