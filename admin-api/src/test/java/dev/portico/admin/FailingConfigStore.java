package dev.portico.admin;

import dev.portico.domain.model.Configuration;
import dev.portico.domain.model.Route;
import dev.portico.domain.model.Upstream;
import dev.portico.domain.port.ConfigStore;
import dev.portico.domain.port.Deletion;
import dev.portico.domain.port.StoreWrite;

import java.util.List;
import java.util.Optional;

/** A store whose database is gone: every call fails with a message full of internals no client should see. */
final class FailingConfigStore implements ConfigStore {
    static final String INTERNALS = "jdbc:postgresql://db.internal:5432/portico refused the connection";

    private static IllegalStateException down() {
        return new IllegalStateException(INTERNALS);
    }

    @Override
    public Configuration load() {
        throw down();
    }

    @Override
    public long revision() {
        throw down();
    }

    @Override
    public List<Upstream> upstreams() {
        throw down();
    }

    @Override
    public Optional<Upstream> upstream(String name) {
        throw down();
    }

    @Override
    public List<Route> routes() {
        throw down();
    }

    @Override
    public Optional<Route> route(String name) {
        throw down();
    }

    @Override
    public StoreWrite.Written saveUpstream(Upstream upstream) {
        throw down();
    }

    @Override
    public Deletion deleteUpstream(String name) {
        throw down();
    }

    @Override
    public StoreWrite saveRoute(Route route) {
        throw down();
    }

    @Override
    public Deletion deleteRoute(String name) {
        throw down();
    }
}
