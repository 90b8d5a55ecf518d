package dev.portico.domain.service;

import dev.portico.domain.model.Configuration;
import dev.portico.domain.model.ConfigurationContent;
import dev.portico.domain.model.ConfigurationDiff;
import dev.portico.domain.model.ConfigurationSpec;
import dev.portico.domain.model.ConfigurationStatus;
import dev.portico.domain.model.Route;
import dev.portico.domain.model.Stored;
import dev.portico.domain.model.Upstream;
import dev.portico.domain.port.ApplyOutcome;
import dev.portico.domain.port.Change;
import dev.portico.domain.port.ConfigStore;
import dev.portico.domain.port.Deletion;
import dev.portico.domain.port.ManageConfiguration;
import dev.portico.domain.port.ManageRoutes;
import dev.portico.domain.port.ManageUpstreams;
import dev.portico.domain.port.Precondition;
import dev.portico.domain.port.PutOutcome;
import dev.portico.domain.port.Replacement;
import dev.portico.domain.port.StoreWrite;
import dev.portico.domain.validation.FieldError;
import dev.portico.domain.validation.Validated;

import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.OptionalLong;

/**
 * The admin use cases on routes, upstreams and the whole configuration: validate, write in one transaction, then
 * make the change live before answering.
 */
public final class ConfigurationService implements ManageUpstreams, ManageRoutes, ManageConfiguration {
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
    public Optional<Stored<Upstream>> storedUpstream(String name) {
        return store.storedUpstream(name);
    }

    @Override
    public PutOutcome<Upstream> putUpstream(String name, Upstream.UpstreamSpec spec, Precondition precondition,
                                            Change change) {
        return switch (Upstream.parse(name, spec)) {
            case Validated.Invalid<Upstream> invalid -> new PutOutcome.Rejected<>(invalid.errors());
            case Validated.Valid<Upstream> valid ->
                    routing.writing(() -> live(valid.value(), store.saveUpstream(valid.value(), precondition, change)));
        };
    }

    @Override
    public Deletion deleteUpstream(String name, Precondition precondition, Change change) {
        return routing.writing(() -> live(store.deleteUpstream(name, precondition, change)));
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
    public Optional<Stored<Route>> storedRoute(String name) {
        return store.storedRoute(name);
    }

    @Override
    public PutOutcome<Route> putRoute(String name, Route.RouteSpec spec, Precondition precondition, Change change) {
        return switch (Route.parse(name, spec)) {
            case Validated.Invalid<Route> invalid -> new PutOutcome.Rejected<>(invalid.errors());
            case Validated.Valid<Route> valid ->
                    routing.writing(() -> live(valid.value(), store.saveRoute(valid.value(), precondition, change)));
        };
    }

    @Override
    public Deletion deleteRoute(String name, Precondition precondition, Change change) {
        return routing.writing(() -> live(store.deleteRoute(name, precondition, change)));
    }

    @Override
    public Configuration configuration() {
        return store.load();
    }

    @Override
    public ConfigurationStatus status() {
        return store.status();
    }

    @Override
    public ApplyOutcome preview(ConfigurationSpec spec, Precondition precondition) {
        return switch (spec.parse()) {
            case Validated.Invalid<ConfigurationContent> invalid -> new ApplyOutcome.Rejected(invalid.errors());
            case Validated.Valid<ConfigurationContent> valid -> {
                Configuration current = store.load();
                yield precondition.allows(OptionalLong.of(current.revision()))
                        ? new ApplyOutcome.Previewed(ConfigurationDiff.between(ConfigurationContent.of(current),
                        valid.value()), current.revision())
                        : new ApplyOutcome.PreconditionFailed(current.revision());
            }
        };
    }

    @Override
    public ApplyOutcome apply(ConfigurationSpec spec, Precondition precondition, Change change) {
        return switch (spec.parse()) {
            case Validated.Invalid<ConfigurationContent> invalid -> new ApplyOutcome.Rejected(invalid.errors());
            case Validated.Valid<ConfigurationContent> valid -> routing.writing(() ->
                    switch (store.replaceAll(valid.value(), precondition, change)) {
                        case Replacement.PreconditionFailed failed -> new ApplyOutcome.PreconditionFailed(failed.current());
                        case Replacement.Replaced replaced -> {
                            routing.refreshAtLeast(replaced.revision());
                            yield new ApplyOutcome.Applied(replaced.diff(), replaced.revision());
                        }
                    });
        };
    }

    private <T> PutOutcome<T> live(T value, StoreWrite write) {
        return switch (write) {
            case StoreWrite.UpstreamMissing missing -> new PutOutcome.Rejected<>(List.of(new FieldError(
                    "upstream", "no upstream named '" + missing.upstream() + "'; create it first with PUT /v1/upstreams/"
                    + missing.upstream())));
            case StoreWrite.PreconditionFailed failed -> new PutOutcome.PreconditionFailed<>(failed.current());
            case StoreWrite.Written written -> {
                routing.refreshAtLeast(written.revision());
                yield written.created()
                        ? new PutOutcome.Created<>(value, written.revision())
                        : new PutOutcome.Replaced<>(value, written.revision());
            }
        };
    }

    private Deletion live(Deletion deletion) {
        if (deletion instanceof Deletion.Deleted deleted) {
            routing.refreshAtLeast(deleted.revision());
        }
        return deletion;
    }
}
