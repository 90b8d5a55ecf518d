package dev.portico.persistence;

import dev.portico.domain.model.AdminToken;
import dev.portico.domain.model.ChangeSummary;
import dev.portico.domain.model.TokenScope;
import dev.portico.domain.port.Change;
import dev.portico.domain.port.Revocation;
import dev.portico.domain.port.TokenStore;
import org.jdbi.v3.core.Handle;
import org.jdbi.v3.core.Jdbi;
import org.jdbi.v3.core.statement.StatementException;

import java.sql.SQLException;
import java.time.Clock;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;

/**
 * The TokenStore on H2 or PostgreSQL. Token writes do not change the configuration revision. The initial token's
 * statements run on their own, and a concurrent insert of the same name (another node) is recognised by the primary
 * key refusing it. An operator's create and revoke run in a transaction that first locks the revision row, as
 * configuration writes do: that serialises them (across nodes too), so that the last admin token check holds until
 * commit, and their audit entries take their place in the order of all changes.
 */
final class JdbiTokenStore implements TokenStore {
    /** SQLSTATE of a unique or primary key violation, the same on H2 and PostgreSQL. */
    private static final String UNIQUE_VIOLATION = "23505";

    private final Jdbi jdbi;
    private final Clock clock;
    private final WriteLock writeLock;

    JdbiTokenStore(Jdbi jdbi, Clock clock, WriteLock writeLock) {
        this.jdbi = jdbi;
        this.clock = clock;
        this.writeLock = writeLock;
    }

    @Override
    public List<AdminToken> tokens() {
        return jdbi.withHandle(handle -> handle
                .createQuery(Sql.SELECT_TOKENS)
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
            return !exists(handle, token.name()) && insert(handle, token);
        });
    }

    @Override
    public boolean create(AdminToken token, Change change) {
        return writeLock.around(() -> jdbi.inTransaction(handle -> {
            long revision = lockRevision(handle);
            // Under the lock no operator's create can slip in between; only a node's initial token could, and the
            // key then refuses the insert.
            if (exists(handle, token.name()) || !insert(handle, token)) {
                handle.rollback();
                return false;
            }
            AuditRows.insert(handle, clock.instant(), change, ChangeSummary.tokenResource(token.name()),
                    ChangeSummary.tokenCreated(token.scope()), revision);
            return true;
        }));
    }

    @Override
    public Revocation revoke(String name, Change change) {
        return writeLock.around(() -> jdbi.inTransaction(handle -> {
            long revision = lockRevision(handle);
            Optional<String> scope = handle.createQuery(Sql.SELECT_TOKEN_SCOPE)
                    .bind("name", name)
                    .mapTo(String.class)
                    .findOne();
            if (scope.isEmpty()) {
                handle.rollback();
                return Revocation.NOT_FOUND;
            }
            if (scope.get().equals(TokenScope.ADMIN.name())) {
                long admins = handle.createQuery(Sql.COUNT_TOKENS_OF_SCOPE)
                        .bind("scope", TokenScope.ADMIN.name())
                        .mapTo(Long.class)
                        .one();
                if (admins <= 1) {
                    handle.rollback();
                    return Revocation.LAST_ADMIN;
                }
            }
            handle.createUpdate(Sql.DELETE_TOKEN).bind("name", name).execute();
            AuditRows.insert(handle, clock.instant(), change, ChangeSummary.tokenResource(name),
                    ChangeSummary.tokenRevoked(), revision);
            return Revocation.REVOKED;
        }));
    }

    /** Locks the revision row until the transaction ends, and answers the revision. */
    private static long lockRevision(Handle handle) {
        return handle.createQuery(Sql.LOCK_REVISION).mapTo(Long.class).one();
    }

    private static boolean exists(Handle handle, String name) {
        return handle.createQuery(Sql.COUNT_TOKENS_NAMED)
                .bind("name", name)
                .mapTo(Long.class)
                .one() > 0;
    }

    private static int update(Handle handle, AdminToken token) {
        return handle.createUpdate(Sql.UPDATE_TOKEN)
                .bind("name", token.name())
                .bind("hash", token.sha256Hex())
                .bind("scope", token.scope().name())
                .bind("createdAt", storable(token.createdAt()))
                .execute();
    }

    /** Answers false when a token of that name already exists. Package-private for the test of that race. */
    static boolean insert(Handle handle, AdminToken token) {
        try {
            handle.createUpdate(Sql.INSERT_TOKEN)
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
