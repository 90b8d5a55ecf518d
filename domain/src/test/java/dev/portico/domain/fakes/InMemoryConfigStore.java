package dev.portico.domain.fakes;

import dev.portico.domain.model.ChangeSummary;
import dev.portico.domain.model.Configuration;
import dev.portico.domain.model.ConfigurationContent;
import dev.portico.domain.model.ConfigurationDiff;
import dev.portico.domain.model.ConfigurationStatus;
import dev.portico.domain.model.Route;
import dev.portico.domain.model.Stored;
import dev.portico.domain.model.Upstream;
import dev.portico.domain.port.Change;
import dev.portico.domain.port.ConfigStore;
import dev.portico.domain.port.Deletion;
import dev.portico.domain.port.Precondition;
import dev.portico.domain.port.Replacement;
import dev.portico.domain.port.StoreWrite;

import java.time.Clock;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.TreeMap;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.Supplier;

/** A ConfigStore in memory, for tests of what sits on top of the port. Same contract as the Jdbi store. */
public final class InMemoryConfigStore implements ConfigStore {
    private final ReentrantLock lock = new ReentrantLock();
    private final TreeMap<String, Stored<Upstream>> upstreams = new TreeMap<>();
    private final TreeMap<String, Stored<Route>> routes = new TreeMap<>();
    private final InMemoryAuditLog audit;
    private final Clock clock;
    private long revision;
    private Instant appliedAt;

    public InMemoryConfigStore() {
        this(new InMemoryAuditLog(), Clock.systemUTC());
    }

    public InMemoryConfigStore(InMemoryAuditLog audit, Clock clock) {
        this.audit = audit;
        this.clock = clock;
        this.appliedAt = clock.instant();
    }

    public InMemoryAuditLog auditLog() {
        return audit;
    }

    @Override
    public Configuration load() {
        return locked(() -> new Configuration(revision, values(upstreams), values(routes)));
    }

    @Override
    public long revision() {
        return locked(() -> revision);
    }

    @Override
    public ConfigurationStatus status() {
        return locked(() -> new ConfigurationStatus(revision, appliedAt, routes.size(), upstreams.size()));
    }

    @Override
    public List<Upstream> upstreams() {
        return locked(() -> values(upstreams));
    }

    @Override
    public Optional<Stored<Upstream>> storedUpstream(String name) {
        return locked(() -> Optional.ofNullable(upstreams.get(name)));
    }

    @Override
    public List<Route> routes() {
        return locked(() -> values(routes));
    }

    @Override
    public Optional<Stored<Route>> storedRoute(String name) {
        return locked(() -> Optional.ofNullable(routes.get(name)));
    }

    @Override
    public StoreWrite saveUpstream(Upstream upstream, Precondition precondition, Change change) {
        return locked(() -> {
            Stored<Upstream> before = upstreams.get(upstream.name());
            if (!precondition.allows(revisionOf(before))) {
                return new StoreWrite.PreconditionFailed(revisionOf(before));
            }
            long next = commit(change, ChangeSummary.upstreamResource(upstream.name()),
                    ChangeSummary.upstream(Optional.ofNullable(before).map(Stored::value), upstream));
            upstreams.put(upstream.name(), new Stored<>(upstream, next));
            return new StoreWrite.Written(before == null, next);
        });
    }

    @Override
    public Deletion deleteUpstream(String name, Precondition precondition, Change change) {
        return locked(() -> {
            Stored<Upstream> before = upstreams.get(name);
            if (!precondition.allows(revisionOf(before))) {
                return new Deletion.PreconditionFailed(revisionOf(before));
            }
            if (before == null) {
                return Deletion.NotFound.INSTANCE;
            }
            List<String> users = routes.values().stream().map(Stored::value)
                    .filter(r -> r.upstream().equals(name)).map(Route::name).toList();
            if (!users.isEmpty()) {
                return new Deletion.InUse(users);
            }
            upstreams.remove(name);
            return new Deletion.Deleted(commit(change, ChangeSummary.upstreamResource(name), ChangeSummary.deleted()));
        });
    }

    @Override
    public StoreWrite saveRoute(Route route, Precondition precondition, Change change) {
        return locked(() -> {
            Stored<Route> before = routes.get(route.name());
            if (!precondition.allows(revisionOf(before))) {
                return new StoreWrite.PreconditionFailed(revisionOf(before));
            }
            if (!upstreams.containsKey(route.upstream())) {
                return new StoreWrite.UpstreamMissing(route.upstream());
            }
            long next = commit(change, ChangeSummary.routeResource(route.name()),
                    ChangeSummary.route(Optional.ofNullable(before).map(Stored::value), route));
            routes.put(route.name(), new Stored<>(route, next));
            return new StoreWrite.Written(before == null, next);
        });
    }

    @Override
    public Deletion deleteRoute(String name, Precondition precondition, Change change) {
        return locked(() -> {
            Stored<Route> before = routes.get(name);
            if (!precondition.allows(revisionOf(before))) {
                return new Deletion.PreconditionFailed(revisionOf(before));
            }
            if (before == null) {
                return Deletion.NotFound.INSTANCE;
            }
            routes.remove(name);
            return new Deletion.Deleted(commit(change, ChangeSummary.routeResource(name), ChangeSummary.deleted()));
        });
    }

    @Override
    public Replacement replaceAll(ConfigurationContent wanted, Precondition precondition, Change change) {
        return locked(() -> {
            if (!precondition.allows(OptionalLong.of(revision))) {
                return new Replacement.PreconditionFailed(revision);
            }
            ConfigurationDiff diff = ConfigurationDiff.between(
                    new ConfigurationContent(values(upstreams), values(routes)), wanted);
            if (diff.isEmpty()) {
                return new Replacement.Replaced(revision, diff);
            }
            long next = commit(change, ChangeSummary.CONFIGURATION_RESOURCE, ChangeSummary.configuration(diff));
            diff.removed().routes().forEach(routes::remove);
            diff.removed().upstreams().forEach(upstreams::remove);
            for (Upstream upstream : wanted.upstreams()) {
                if (!upstreams.containsKey(upstream.name()) || !upstreams.get(upstream.name()).value().equals(upstream)) {
                    upstreams.put(upstream.name(), new Stored<>(upstream, next));
                }
            }
            for (Route route : wanted.routes()) {
                if (!routes.containsKey(route.name()) || !routes.get(route.name()).value().equals(route)) {
                    routes.put(route.name(), new Stored<>(route, next));
                }
            }
            return new Replacement.Replaced(next, diff);
        });
    }

    /** Takes the next revision and records the change in the audit log; the caller holds the lock. */
    private long commit(Change change, String resource, String summary) {
        revision++;
        appliedAt = clock.instant();
        audit.record(appliedAt, change, resource, summary, revision);
        return revision;
    }

    private static OptionalLong revisionOf(Stored<?> stored) {
        return stored == null ? OptionalLong.empty() : OptionalLong.of(stored.revision());
    }

    private static <T> List<T> values(TreeMap<String, Stored<T>> map) {
        return map.values().stream().map(Stored::value).toList();
    }

    private <T> T locked(Supplier<T> action) {
        lock.lock();
        try {
            return action.get();
        } finally {
            lock.unlock();
        }
    }
}
