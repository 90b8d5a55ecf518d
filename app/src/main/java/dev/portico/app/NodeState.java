package dev.portico.app;

import dev.portico.domain.model.Readiness;
import dev.portico.domain.port.ReadReadiness;
import dev.portico.domain.service.Routing;

import java.lang.System.Logger.Level;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;

/**
 * How this node is, as its probes tell it: stopping or not, its database reachable or not (it then serves the
 * configuration in force), and the revision it serves. Says each change of the database's state once in the log.
 */
final class NodeState implements ReadReadiness {
    private static final System.Logger LOG = System.getLogger(NodeState.class.getName());

    private final Routing routing;
    private final Clock clock;
    private volatile boolean stopping;
    /** Since when and why the database cannot be reached; null while it can. */
    private volatile Outage outage;

    private record Outage(Instant since, String cause) {
    }

    NodeState(Routing routing, Clock clock) {
        this.routing = routing;
        this.clock = clock;
    }

    void stopping() {
        stopping = true;
    }

    boolean isStopping() {
        return stopping;
    }

    /** A read or write of the database succeeded. */
    void databaseReachable() {
        Outage ended = outage;
        if (ended != null) {
            outage = null;
            LOG.log(Level.INFO, "The database is reachable again after {0} s; changes are taken again",
                    Duration.between(ended.since(), clock.instant()).toSeconds());
        }
    }

    /** The database could not be reached: said once per outage, without a stack trace (an expected event). */
    void databaseUnreachable(RuntimeException cause) {
        if (outage == null) {
            outage = new Outage(clock.instant(), causeOf(cause));
            LOG.log(Level.WARNING, "Cannot reach the database ({0}); serving the configuration in force (revision"
                    + " {1,number,#}) and refusing changes until it is back", outage.cause(),
                    routing.current().revision());
        }
    }

    boolean databaseIsReachable() {
        return outage == null;
    }

    @Override
    public Readiness readiness() {
        Outage now = outage;
        String database = now == null ? "reachable"
                : "unreachable since " + now.since() + " (" + now.cause() + "); serving the configuration in force";
        return new Readiness(!stopping, routing.current().revision(), database,
                stopping ? List.of("stopping: finishing the requests in flight") : List.of());
    }

    /** The innermost message, which names what failed (a refused connection, a timeout). */
    static String causeOf(Throwable e) {
        Throwable root = e;
        while (root.getCause() != null && root.getCause() != root) {
            root = root.getCause();
        }
        String message = root.getMessage();
        return root.getClass().getSimpleName() + (message == null ? "" : ": " + message);
    }
}
