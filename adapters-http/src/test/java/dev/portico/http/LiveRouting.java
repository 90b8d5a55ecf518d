package dev.portico.http;

import dev.portico.domain.health.TargetStates;
import dev.portico.domain.model.Configuration;
import dev.portico.domain.model.Upstream;
import dev.portico.domain.port.ResolveRoute;
import dev.portico.domain.routing.RoutingDecision;
import dev.portico.domain.routing.RoutingTable;
import dev.portico.domain.validation.Validated;
import dev.portico.http.health.ActiveHealthChecks;

import java.util.List;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Consumer;

/**
 * Routing that changes while requests flow, wired as the composition root wires it: tables built on one
 * {@link TargetStates} so that health and in-flight counts carry over, active checks reconciled on each change, and
 * the proxy told of each new configuration.
 */
final class LiveRouting implements ResolveRoute, AutoCloseable {
    private final TargetStates states = TargetStates.systemClock();
    private final ActiveHealthChecks checks = new ActiveHealthChecks(states);
    private final AtomicReference<RoutingTable> table = new AtomicReference<>(RoutingTable.empty());
    private final AtomicLong revision = new AtomicLong();
    private volatile Consumer<Configuration> proxy = configuration -> { };

    /** Tells {@code proxy} of every change from now on. */
    void notify(Proxy proxy) {
        this.proxy = proxy::reconcile;
        proxy.reconcile(table.get().configuration());
    }

    /** Makes {@code upstream} and one route "all" for every path to it the whole configuration. */
    void apply(Upstream upstream) {
        Configuration configuration = new Configuration(revision.incrementAndGet(), List.of(upstream),
                List.of(ProxyServer.route("all", "/", upstream.name())));
        table.set(RoutingTable.build(configuration, states));
        states.retainOnly(configuration);
        checks.reconcile(configuration);
        proxy.accept(configuration);
    }

    static Upstream upstream(String name, Upstream.UpstreamSpec spec) {
        return switch (Upstream.parse(name, spec)) {
            case Validated.Valid<Upstream> valid -> valid.value();
            case Validated.Invalid<Upstream> invalid -> throw new IllegalArgumentException(invalid.errors().toString());
        };
    }

    @Override
    public RoutingDecision resolve(String hostHeader, String rawPath) {
        return table.get().resolve(hostHeader, rawPath);
    }

    @Override
    public void close() {
        checks.close();
    }
}
