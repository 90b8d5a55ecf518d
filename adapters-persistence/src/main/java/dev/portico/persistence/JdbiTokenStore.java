package dev.portico.persistence;

import dev.portico.domain.model.AdminToken;
import dev.portico.domain.model.TokenScope;
import dev.portico.domain.port.TokenStore;
import org.jdbi.v3.core.Handle;
import org.jdbi.v3.core.Jdbi;
import org.jdbi.v3.core.statement.StatementException;

import java.sql.SQLException;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.Comparator;
import java.util.List;

/**
 * The TokenStore on H2 or PostgreSQL. Token writes do not touch the configuration revision; each statement runs on
 * its own, and a concurrent insert of the same name (another node) is recognised by the primary key refusing it.
 */
final class JdbiTokenStore implements TokenStore {
    /** SQLSTATE of a unique or primary key violation, the same on H2 and PostgreSQL. */
    private static final String UNIQUE_VIOLATION = "23505";

    private final Jdbi jdbi;

    JdbiTokenStore(Jdbi jdbi) {
        this.jdbi = jdbi;
    }

    @Override
    public List<AdminToken> tokens() {
        return jdbi.withHandle(handle -> handle
                .createQuery("SELECT name, sha256_hex, scope, created_at FROM admin_tokens")
                .map((row, context) -> new AdminToken(
                        row.getString("name"),
                        row.getString("sha256_hex"),
                        TokenScope.valueOf(row.getString("scope")),
                        UtcInstants.read(row, "created_at")))
                .list()
                .stream()
                .sorted(Comparator.comparing(AdminToken::name))
                .toList());
    }

    @Override
    public void save(AdminToken token) {
        jdbi.useHandle(handle -> {
            if (update(handle, token) == 0 && !insert(handle, token)) {
                // Another node inserted it between our update and insert: replace what it wrote.
                update(handle, token);
            }
        });
    }

    @Override
    public boolean saveIfAbsent(AdminToken token) {
        return jdbi.withHandle(handle -> {
            // Looking first keeps the common case (the token exists at every start) from logging an error on
            // PostgreSQL's side; the insert's key check is what makes it safe against other nodes.
            long existing = handle.createQuery("SELECT COUNT(*) FROM admin_tokens WHERE name = :name")
                    .bind("name", token.name())
                    .mapTo(Long.class)
                    .one();
            return existing == 0 && insert(handle, token);
        });
    }

    private static int update(Handle handle, AdminToken token) {
        return handle.createUpdate("UPDATE admin_tokens SET sha256_hex = :hash, scope = :scope,"
                        + " created_at = :createdAt WHERE name = :name")
                .bind("name", token.name())
                .bind("hash", token.sha256Hex())
                .bind("scope", token.scope().name())
                .bind("createdAt", storable(token.createdAt()))
                .execute();
    }

    /** Answers false when a token of that name already exists. Package-private for the test of that race. */
    static boolean insert(Handle handle, AdminToken token) {
        try {
            handle.createUpdate("INSERT INTO admin_tokens (name, sha256_hex, scope, created_at)"
                            + " VALUES (:name, :hash, :scope, :createdAt)")
                    .bind("name", token.name())
                    .bind("hash", token.sha256Hex())
                    .bind("scope", token.scope().name())
                    .bind("createdAt", storable(token.createdAt()))
                    .execute();
            return true;
        } catch (StatementException e) {
            if (e.getCause() instanceof SQLException sql && UNIQUE_VIOLATION.equals(sql.getSQLState())) {
                return false;
            }
            throw e;
        }
    }

    /**
     * Both databases keep microseconds, PostgreSQL rounding what is finer; truncating here makes the stored value
     * the same on both and predictable from the one given.
     */
    private static Instant storable(Instant instant) {
        return instant.truncatedTo(ChronoUnit.MICROS);
    }
}
