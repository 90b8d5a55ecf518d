package dev.portico.domain.port;

import dev.portico.domain.model.AdminToken;

import java.util.List;

/** Outbound port: where admin token hashes are kept. */
public interface TokenStore {

    List<AdminToken> tokens();

    /** Creates the token, or replaces the one of the same name. */
    void save(AdminToken token);

    /** Creates the token unless one of that name exists; answers whether it did. Safe against concurrent nodes. */
    boolean saveIfAbsent(AdminToken token);
}
