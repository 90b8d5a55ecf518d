package dev.portico.domain.fakes;

import dev.portico.domain.model.Configuration;
import dev.portico.domain.model.Route;
import dev.portico.domain.model.Upstream;
import dev.portico.domain.port.ConfigStore;
import dev.portico.domain.port.Deletion;
import dev.portico.domain.port.StoreWrite;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.TreeMap;
import java.util.concurrent.locks.ReentrantLock;

/** A ConfigStore in memory, for tests of what sits on top of the port. Same contract as the Jdbi store. */
public final class InMemoryConfigStore implements ConfigStore {
    private final ReentrantLock lock = new ReentrantLock();
    private final TreeMap<String, Upstream> upstreams = new TreeMap<>();
    private final TreeMap<String, Route> routes = new TreeMap<>();
    private long revision;

    @Override
    public Configuration load() {
        return locked(() -> new Configuration(revision, List.copyOf(upstreams.values()), List.copyOf(routes.values())));
    }

    @Override
    public long revision() {
        return locked(() -> revision);
    }

    @Override
    public List<Upstream> upstreams() {
        return locked(() -> List.copyOf(upstreams.values()));
    }

    @Override
    public Optional<Upstream> upstream(String name) {
        return locked(() -> Optional.ofNullable(upstreams.get(name)));
    }

    @Override
    public List<Route> routes() {
        return locked(() -> List.copyOf(routes.values()));
    }

    @Override
    public Optional<Route> route(String name) {
        return locked(() -> Optional.ofNullable(routes.get(name)));
    }

    @Override
    public StoreWrite.Written saveUpstream(Upstream upstream) {
        return locked(() -> new StoreWrite.Written(upstreams.put(upstream.name(), upstream) == null, ++revision));
    }

    @Override
    public Deletion deleteUpstream(String name) {
        return locked(() -> {
            if (!upstreams.containsKey(name)) {
                return Deletion.NotFound.INSTANCE;
            }
            List<String> users = new ArrayList<>();
            routes.values().stream().filter(r -> r.upstream().equals(name)).forEach(r -> users.add(r.name()));
            if (!users.isEmpty()) {
                return new Deletion.InUse(users);
            }
            upstreams.remove(name);
            return new Deletion.Deleted(++revision);
        });
    }

    @Override
    public StoreWrite saveRoute(Route route) {
        return locked(() -> {
            if (!upstreams.containsKey(route.upstream())) {
                return new StoreWrite.UpstreamMissing(route.upstream());
            }
            return new StoreWrite.Written(routes.put(route.name(), route) == null, ++revision);
        });
    }

    @Override
    public Deletion deleteRoute(String name) {
        return locked(() -> routes.remove(name) == null ? Deletion.NotFound.INSTANCE : new Deletion.Deleted(++revision));
    }

    private <T> T locked(java.util.function.Supplier<T> action) {
        lock.lock();
        try {
            return action.get();
        } finally {
            lock.unlock();
        }
    }
}
