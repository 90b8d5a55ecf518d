package dev.portico.http.websocket;

import dev.portico.domain.balancing.Lease;
import dev.portico.domain.balancing.Selection;
import dev.portico.domain.health.RequestOutcome;
import dev.portico.domain.model.Configuration;
import dev.portico.domain.model.HostPattern;
import dev.portico.domain.model.Policy;
import dev.portico.domain.model.RequestKey;
import dev.portico.domain.model.Route;
import dev.portico.domain.model.Target;
import dev.portico.domain.model.Upstream;
import dev.portico.domain.port.ResolveRoute;
import dev.portico.domain.routing.ResolvedRoute;
import dev.portico.domain.routing.RoutingTable;
import dev.portico.http.client.ClosingConnection;
import dev.portico.http.forward.ErrorReplies;
import dev.portico.http.forward.Forwarder;
import dev.portico.http.forward.HeaderRules;
import dev.portico.http.observe.Correlation;
import dev.portico.http.observe.ExchangeRecord;
import dev.portico.http.upstream.UpstreamConnection;
import dev.portico.http.upstream.UpstreamConnections;
import dev.portico.http.upstream.UpstreamFailure;
import dev.portico.http.wire.ResponseHead;
import dev.portico.http.wire.TrustedProxies;

import io.helidon.http.WritableHeaders;
import io.helidon.webserver.ConnectionContext;
import io.helidon.webserver.spi.ServerConnection;

import java.lang.System.Logger.Level;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;
import java.util.function.Supplier;

/**
 * WebSocket upgrades on the proxy's listeners: the request is routed as any request is, the
 * handshake goes to the chosen target on a connection of its own, and after its 101 a {@link WebSocketRelay} carries
 * the bytes. A request with a '.' segment or without a route is left to the normal routing, which answers it as it
 * answers any other request (400, 404).
 *
 * <p>Open pairs are kept in a registry, re-checked after each routing table swap ({@link #routesChanged}): cheap (a
 * set walk per change, nothing per frame) and immediate, where a periodic re-resolve would cost the same walk every
 * second and still lag. A pair stays open while its route (by name) still exists and still matches the pair's host
 * and path, and its target is still in the route's upstream and not draining; changes to anything else leave it
 * alone. Otherwise it gets a close frame 1001.
 */
public final class WebSocketProxy implements AutoCloseable {
    private static final System.Logger LOG = System.getLogger(WebSocketProxy.class.getName());
    /** The idle timeout unless a route says otherwise. */
    public static final Duration DEFAULT_IDLE_TIMEOUT = Duration.ofHours(1);

    private final ResolveRoute routes;
    private final TrustedProxies trustedProxies;
    private final UpstreamConnections connections;
    private final Function<ResolvedRoute, Duration> idleTimeout;
    private final ErrorReplies replies;
    private final Set<WebSocketRelay> open = ConcurrentHashMap.newKeySet();
    /** Idle checks and the grace period of closes; the work itself runs on virtual threads. */
    private final ScheduledExecutorService timer = Executors.newSingleThreadScheduledExecutor(Thread.ofPlatform()
            .name("portico-websocket-timer").daemon(true).factory());

    /** @param idleTimeout how long a pair of this route may stay silent both ways before it is closed */
    public WebSocketProxy(ResolveRoute routes, TrustedProxies trustedProxies, UpstreamConnections connections,
                   Function<ResolvedRoute, Duration> idleTimeout, ErrorReplies replies) {
        this.replies = replies;
        this.routes = routes;
        this.trustedProxies = trustedProxies;
        this.connections = connections;
        this.idleTimeout = idleTimeout;
    }

    /**
     * Takes an upgrade request: null leaves it to the normal answers (400 for a '.' segment, 404 without a route);
     * otherwise the connection that answers it, a relay after a 101 or one that only ends the client's connection
     * after an answer was written.
     *
     * @param host     the request's host, null when it named none
     * @param rawQuery the query as sent, '?' included, or empty
     * @param headers  every header line of the request
     * @param key      what the upstream's hash policy may hash, asked for only when it hashes
     * @param record   the exchange, told the route, the target, the status and, for a WebSocket, its bytes
     */
    public ServerConnection upgrade(ConnectionContext client, String method, String host, String rawPath,
                                    String rawQuery, WritableHeaders<?> headers, Supplier<RequestKey> key,
                                    Correlation ids, ExchangeRecord record) {
        if (!(routes.resolve(host, rawPath) instanceof ResolvedRoute route)) {
            return null;
        }
        record.routed(route);
        String upstreamName = route.upstream().name();
        InetAddress clientAddress = client.remotePeer().address() instanceof InetSocketAddress inet
                ? inet.getAddress() : null;
        // chosen and held like any request (a hash on a cookie keeps a socket with its session); the lease counts
        // the socket in flight on its target, against maxConnections too, until the pair closes
        Selection selection = route.balancer().select(route.upstream().policy() == Policy.HASH
                ? key.get() : RequestKey.NONE);
        if (!(selection instanceof Selection.Chosen chosen)) {
            WebSocketHandshake.reply(client, 503, "Service Unavailable",
                    replies.noTarget(upstreamName, selection == Selection.AllFull.INSTANCE), record);
            return ClosingConnection.INSTANCE;
        }
        Target target = chosen.target();
        Lease lease = chosen.lease();
        record.attempt(target);
        UpstreamConnection connection;
        try {
            connection = connections.connectFresh(target);
        } catch (RuntimeException e) {
            UpstreamFailure failure = UpstreamFailure.ofConnect(e);
            lease.release(failure.outcome());
            return failed(client, route, target, failure, e, record);
        }
        boolean relayed = false;
        try {
            HeaderRules.Forwarding forwarding = HeaderRules.Client.of(clientAddress, client.isSecure(), trustedProxies)
                    .forwarding(route, target, host);
            String rawTarget = route.upstreamPath(target, rawPath) + rawQuery;
            WebSocketHandshake.sendRequest(connection, method, rawTarget, headers, forwarding, ids);
            connection.awaitAnswerWithin(route.route().timeout());
            ResponseHead head = WebSocketHandshake.readHead(connection);
            record.upstreamAnswered();
            connection.settle();
            record.status(head.code());
            if (WebSocketHandshake.upgraded(head)) {
                WebSocketHandshake.switchProtocols(client, head, ids.requestId());
                record.webSocket();
                relayed = true;
                return new WebSocketRelay(this, client, connection, new WebSocketRelay.Opened(route.route().name(),
                        host, rawPath, target, idleTimeout.apply(route), lease), record);
            }
            if (head.code() == 101) {
                throw new IllegalStateException("101 to a protocol other than websocket");
            }
            try {
                WebSocketHandshake.relayRefusal(client, head, connection, location -> host == null ? location
                        : route.rewriteLocation(location, target, forwarding.scheme(), host), record);
            } finally {
                connection.close();
            }
            return ClosingConnection.INSTANCE;
        } catch (RuntimeException e) {
            connection.close();
            UpstreamFailure failure = connection.failureOf(e);
            lease.release(failure.outcome());
            return failed(client, route, target, failure, e, record);
        } finally {
            if (!relayed) {
                // a refusal relayed, or a failure already counted above (a lease counts only its first release)
                lease.release(RequestOutcome.SUCCESS);
            }
        }
    }

    private ServerConnection failed(ConnectionContext client, ResolvedRoute route, Target target,
                                    UpstreamFailure failure, RuntimeException cause, ExchangeRecord record) {
        LOG.log(Level.WARNING, "Upstream '" + route.upstream().name() + "' " + failure.description()
                + " (WebSocket upgrade via route '" + route.route().name() + "' to " + target.url() + ", request "
                + record.requestId() + "): " + Forwarder.reason(cause));
        if (failure.status() > 0) {
            try {
                WebSocketHandshake.reply(client, failure.status(), failure.reason(),
                        replies.upstreamFailed(route.upstream().name(), failure), record);
            } catch (RuntimeException e) {
                LOG.log(Level.DEBUG, "Could not tell the WebSocket client", e);
            }
        }
        return ClosingConnection.INSTANCE;
    }

    /** Open WebSockets by the name of the route they were opened on. */
    public Map<String, Integer> openByRoute() {
        Map<String, Integer> counts = new HashMap<>();
        for (WebSocketRelay relay : open) {
            counts.merge(relay.opened().routeName(), 1, Integer::sum);
        }
        return counts;
    }

    /** Called by a relay once it runs. */
    public void opened(WebSocketRelay relay) {
        open.add(relay);
        scheduleIdleCheck(relay, relay.opened().idleTimeout().toNanos());
    }

    public void closed(WebSocketRelay relay) {
        open.remove(relay);
    }

    private void scheduleIdleCheck(WebSocketRelay relay, long delayNanos) {
        try {
            timer.schedule(() -> checkIdle(relay), delayNanos, TimeUnit.NANOSECONDS);
        } catch (java.util.concurrent.RejectedExecutionException stopped) {
            relay.closeBoth();
        }
    }

    private void checkIdle(WebSocketRelay relay) {
        if (relay.isClosed()) {
            return;
        }
        long timeout = relay.opened().idleTimeout().toNanos();
        long idle = relay.idleNanos(System.nanoTime());
        if (idle >= timeout) {
            Thread.ofVirtual().start(() -> relay.goAway("idle timeout"));
        } else {
            scheduleIdleCheck(relay, timeout - idle);
        }
    }

    /** Closes the relay's connections after {@code grace}, if they are still open then. */
    public void closeLater(WebSocketRelay relay, Duration grace) {
        try {
            timer.schedule(relay::closeBoth, grace.toNanos(), TimeUnit.NANOSECONDS);
        } catch (java.util.concurrent.RejectedExecutionException stopped) {
            relay.closeBoth();
        }
    }

    /**
     * Re-checks every open pair against a new configuration; those whose route went away or no longer matches, or
     * whose target was removed or is draining, get a close frame 1001. Returns at once: the closing runs on virtual
     * threads, as a peer that does not read could hold it.
     */
    public void routesChanged(Configuration configuration) {
        for (WebSocketRelay relay : open) {
            String reason = stillServed(relay.opened(), configuration);
            if (reason != null) {
                Thread.ofVirtual().start(() -> relay.goAway(reason));
            }
        }
    }

    /** Null when the pair may stay open, else why it may not (sent as the close frame's reason). */
    private static String stillServed(WebSocketRelay.Opened opened, Configuration configuration) {
        Route route = configuration.routes().stream()
                .filter(r -> r.name().equals(opened.routeName())).findFirst().orElse(null);
        if (route == null) {
            return "route removed";
        }
        String host = RoutingTable.normalizeHost(opened.host());
        List<HostPattern> hosts = route.hosts();
        if (!opened.rawPath().startsWith(route.pathPrefix())
                || (!hosts.isEmpty() && hosts.stream().noneMatch(pattern -> pattern.matches(host)))) {
            return "route changed";
        }
        Upstream upstream = configuration.upstreams().stream()
                .filter(u -> u.name().equals(route.upstream())).findFirst().orElse(null);
        Target target = opened.target();
        Target now = upstream == null ? null : upstream.targets().stream()
                .filter(t -> t.scheme().equals(target.scheme()) && t.host().equals(target.host())
                        && t.port() == target.port() && t.basePath().equals(target.basePath()))
                .findFirst().orElse(null);
        if (now == null) {
            return "target removed";
        }
        return now.drain() ? "target draining" : null;
    }

    /** How many pairs are open. */
    public int openCount() {
        return open.size();
    }

    /** Closes every open pair at once; the server is stopped first. */
    @Override
    public void close() {
        timer.shutdownNow();
        open.forEach(WebSocketRelay::closeBoth);
    }

    /**
     * Tells every open pair the server is going away (1001 to both sides) and waits up to {@code grace} for them
     * to close; those still open then are cut by {@link #close}.
     */
    public void goAway(Duration grace) {
        open.forEach(relay -> Thread.ofVirtual().start(() -> relay.goAway("server shutting down")));
        long deadline = System.nanoTime() + grace.toNanos();
        while (!open.isEmpty() && System.nanoTime() - deadline < 0) {
            try {
                Thread.sleep(10);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            }
        }
    }
}
