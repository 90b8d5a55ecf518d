package dev.portico.domain.port;

/** What became of a request to revoke an admin token. */
public enum Revocation {
    /** Deleted: the token stops working on this node with the next request. */
    REVOKED,
    /** No token has that name. */
    NOT_FOUND,
    /** Kept: it is the last token of scope ADMIN, and without it nobody could manage tokens any more. */
    LAST_ADMIN
}
