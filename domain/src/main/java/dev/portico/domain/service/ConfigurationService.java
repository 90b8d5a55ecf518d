package dev.portico.domain.service;

import dev.portico.domain.model.Route;
import dev.portico.domain.model.Upstream;
import dev.portico.domain.port.ConfigStore;
import dev.portico.domain.port.Deletion;
import dev.portico.domain.port.ManageRoutes;
import dev.portico.domain.port.ManageUpstreams;
import dev.portico.domain.port.PutOutcome;
import dev.portico.domain.port.StoreWrite;
import dev.portico.domain.validation.FieldError;
import dev.portico.domain.validation.Validated;

import java.util.List;
import java.util.Objects;
import java.util.Optional;

/** The admin use cases on routes and upstreams: validate, write in one transaction, then make the change live. */
public final class ConfigurationService implements ManageUpstreams, ManageRoutes {
    private final ConfigStore store;
    private final Routing routing;

    public ConfigurationService(ConfigStore store, Routing routing) {
        this.store = Objects.requireNonNull(store);
        this.routing = Objects.requireNonNull(routing);
    }

    @Override
    public List<Upstream> upstreams() {
        return store.upstreams();
    }

    @Override
    public Optional<Upstream> upstream(String name) {
        return store.upstream(name);
    }

    @Override
    public PutOutcome<Upstream> putUpstream(String name, List<Upstream.TargetSpec> targets) {
        return switch (Upstream.parse(name, targets)) {
            case Validated.Invalid<Upstream> invalid -> new PutOutcome.Rejected<>(invalid.errors());
            case Validated.Valid<Upstream> valid -> {
                StoreWrite.Written written = store.saveUpstream(valid.value());
                routing.refreshAtLeast(written.revision());
                yield written.created()
                        ? new PutOutcome.Created<>(valid.value(), written.revision())
                        : new PutOutcome.Replaced<>(valid.value(), written.revision());
            }
        };
    }

    @Override
    public Deletion deleteUpstream(String name) {
        return live(store.deleteUpstream(name));
    }

    @Override
    public List<Route> routes() {
        return store.routes();
    }

    @Override
    public Optional<Route> route(String name) {
        return store.route(name);
    }

    @Override
    public PutOutcome<Route> putRoute(String name, Route.RouteSpec spec) {
        return switch (Route.parse(name, spec)) {
            case Validated.Invalid<Route> invalid -> new PutOutcome.Rejected<>(invalid.errors());
            case Validated.Valid<Route> valid -> switch (store.saveRoute(valid.value())) {
                case StoreWrite.UpstreamMissing missing -> new PutOutcome.Rejected<>(List.of(new FieldError(
                        "upstream", "no upstream named '" + missing.upstream() + "'; create it first with PUT /v1/upstreams/"
                        + missing.upstream())));
                case StoreWrite.Written written -> {
                    routing.refreshAtLeast(written.revision());
                    yield written.created()
                            ? new PutOutcome.Created<>(valid.value(), written.revision())
                            : new PutOutcome.Replaced<>(valid.value(), written.revision());
                }
            };
        };
    }

    @Override
    public Deletion deleteRoute(String name) {
        return live(store.deleteRoute(name));
    }

    private Deletion live(Deletion deletion) {
        if (deletion instanceof Deletion.Deleted deleted) {
            routing.refreshAtLeast(deleted.revision());
        }
        return deletion;
    }
}
