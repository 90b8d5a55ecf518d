package dev.portico.domain.fakes;

import dev.portico.domain.model.AdminToken;
import dev.portico.domain.model.ChangeSummary;
import dev.portico.domain.model.TokenScope;
import dev.portico.domain.port.Change;
import dev.portico.domain.port.Revocation;
import dev.portico.domain.port.TokenStore;

import java.time.Clock;
import java.util.List;
import java.util.concurrent.ConcurrentSkipListMap;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.LongSupplier;

/** A TokenStore in memory, for tests of what sits on top of the port. */
public final class InMemoryTokenStore implements TokenStore {
    private final ConcurrentSkipListMap<String, AdminToken> tokens = new ConcurrentSkipListMap<>();
    private final ReentrantLock changing = new ReentrantLock();
    private final InMemoryAuditLog audit;
    private final Clock clock;
    /** The configuration revision that audit entries of token changes carry. */
    private final LongSupplier revision;

    public InMemoryTokenStore() {
        this(new InMemoryAuditLog(), Clock.systemUTC(), () -> 0);
    }

    /** Shares the audit log (and the revision it records) with a config store, as the database does. */
    public InMemoryTokenStore(InMemoryConfigStore configStore, Clock clock) {
        this(configStore.auditLog(), clock, configStore::revision);
    }

    private InMemoryTokenStore(InMemoryAuditLog audit, Clock clock, LongSupplier revision) {
        this.audit = audit;
        this.clock = clock;
        this.revision = revision;
    }

    @Override
    public List<AdminToken> tokens() {
        return List.copyOf(tokens.values());
    }

    @Override
    public void save(AdminToken token) {
        tokens.put(token.name(), token);
    }

    @Override
    public boolean saveIfAbsent(AdminToken token) {
        return tokens.putIfAbsent(token.name(), token) == null;
    }

    @Override
    public boolean create(AdminToken token, Change change) {
        changing.lock();
        try {
            if (tokens.putIfAbsent(token.name(), token) != null) {
                return false;
            }
            audit.record(clock.instant(), change, ChangeSummary.tokenResource(token.name()),
                    ChangeSummary.tokenCreated(token.scope()), revision.getAsLong());
            return true;
        } finally {
            changing.unlock();
        }
    }

    @Override
    public Revocation revoke(String name, Change change) {
        changing.lock();
        try {
            AdminToken token = tokens.get(name);
            if (token == null) {
                return Revocation.NOT_FOUND;
            }
            if (token.scope() == TokenScope.ADMIN
                    && tokens.values().stream().filter(t -> t.scope() == TokenScope.ADMIN).count() == 1) {
                return Revocation.LAST_ADMIN;
            }
            tokens.remove(name);
            audit.record(clock.instant(), change, ChangeSummary.tokenResource(name), ChangeSummary.tokenRevoked(),
                    revision.getAsLong());
            return Revocation.REVOKED;
        } finally {
            changing.unlock();
        }
    }
}
