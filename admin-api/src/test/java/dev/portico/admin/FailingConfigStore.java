package dev.portico.admin;

import dev.portico.domain.model.Configuration;
import dev.portico.domain.model.ConfigurationContent;
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
    public ConfigurationStatus status() {
        throw down();
    }

    @Override
    public List<Upstream> upstreams() {
        throw down();
    }

    @Override
    public Optional<Stored<Upstream>> storedUpstream(String name) {
        throw down();
    }

    @Override
    public List<Route> routes() {
        throw down();
    }

    @Override
    public Optional<Stored<Route>> storedRoute(String name) {
        throw down();
    }

    @Override
    public StoreWrite saveUpstream(Upstream upstream, Precondition precondition, Change change) {
        throw down();
    }

    @Override
    public Deletion deleteUpstream(String name, Precondition precondition, Change change) {
        throw down();
    }

    @Override
    public StoreWrite saveRoute(Route route, Precondition precondition, Change change) {
        throw down();
    }

    @Override
    public Deletion deleteRoute(String name, Precondition precondition, Change change) {
        throw down();
    }

    @Override
    public Replacement replaceAll(ConfigurationContent wanted, Precondition precondition, Change change) {
        throw down();
    }
}
