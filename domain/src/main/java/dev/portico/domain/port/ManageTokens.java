package dev.portico.domain.port;

import dev.portico.domain.model.AdminToken;

import java.util.List;

/** Inbound port of the admin API: admin tokens. Every change is audited and effective on the next request. */
public interface ManageTokens {

    /** Every token, sorted by name (as hashes: a secret is never kept). */
    List<AdminToken> tokens();

    /** Creates a token with a new random secret, answered this once. {@code scope} is read, write or admin. */
    TokenCreation createToken(String name, String scope, Change change);

    /** Revokes a token, unless it is the last one of scope admin. */
    Revocation revokeToken(String name, Change change);
}
