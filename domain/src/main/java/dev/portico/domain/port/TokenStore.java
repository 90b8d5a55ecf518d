package dev.portico.domain.port;

import dev.portico.domain.model.AdminToken;

import java.util.List;

/** Outbound port: where admin token hashes are kept. */
public interface TokenStore {

    List<AdminToken> tokens();

    /** Creates the token, or replaces the one of the same name. Not audited: this is how the initial token is set. */
    void save(AdminToken token);

    /** Creates the token unless one of that name exists; answers whether it did. Safe against concurrent nodes. */
    boolean saveIfAbsent(AdminToken token);

    /**
     * Creates the token unless one of that name exists, and records the creation in the audit log in the same
     * transaction; answers whether it did.
     */
    boolean create(AdminToken token, Change change);

    /**
     * Deletes the token unless it is the last one of scope ADMIN, recording the revocation in the audit log in the
     * same transaction. Concurrent revocations are serialised, so that two of them cannot remove the last two.
     */
    Revocation revoke(String name, Change change);
}
