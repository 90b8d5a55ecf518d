package dev.portico.http;

import dev.portico.domain.model.Configuration;
import dev.portico.domain.model.Target;
import dev.portico.domain.model.Upstream;
import dev.portico.domain.port.ResolveRoute;
import dev.portico.domain.routing.ResolvedRoute;
import dev.portico.http.client.AdmittingSslContext;
import dev.portico.http.client.ClientConnections;
import dev.portico.http.client.ClientDeadlines;
import dev.portico.http.client.ClientLimits;
import dev.portico.http.client.TlsSessions;
import dev.portico.http.forward.ErrorReplies;
import dev.portico.http.forward.ExchangeObserver;
import dev.portico.http.forward.Forwarder;
import dev.portico.http.forward.HttpsPolicy;
import dev.portico.http.http1.Http1Connection;
import dev.portico.http.http2.Http2Handler;
import dev.portico.http.observe.Observation;
import dev.portico.http.upstream.UpstreamCall;
import dev.portico.http.upstream.UpstreamConnections;
import dev.portico.http.websocket.WebSocketProxy;

import io.helidon.common.concurrency.limits.FixedLimit;
import io.helidon.common.concurrency.limits.Limit;
import io.helidon.common.tls.Tls;
import io.helidon.webserver.ListenerConfig;
import io.helidon.webserver.ProtocolConfigs;
import io.helidon.webserver.WebServer;
import io.helidon.webserver.http.HttpRouting;
import io.helidon.webserver.http2.Http2Config;
import io.helidon.webserver.http2.Http2ConnectionProvider;

import java.time.Duration;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Function;

/**
 * The data plane: a reverse proxy for a Helidon listener. The composition root builds and owns the WebServer;
 * this registers the handler that takes every request on the listener, tunes the listener for proxying, and owns
 * the connections to the upstreams.
 */
public final class Proxy implements AutoCloseable {
    private final ProxySettings settings;
    private final UpstreamConnections connections;
    private final Http2Handler handler;
    private final WebSocketProxy webSockets;
    private final Http1Connection.Shared http1;
    private final ClientDeadlines deadlines;
    /** The proxy listeners' requests in flight, together; one more gets 503 at once. */
    private final Limit requests;
    private final List<ClientConnections> listeners = new CopyOnWriteArrayList<>();

    private Proxy(ProxySettings settings, UpstreamConnections connections, Http2Handler handler,
                  WebSocketProxy webSockets, Http1Connection.Shared http1) {
        this.settings = settings;
        this.connections = connections;
        this.handler = handler;
        this.webSockets = webSockets;
        this.http1 = http1;
        this.deadlines = new ClientDeadlines(settings.clients().shortestTimeout());
        int permits = settings.clients().maxRequests();
        this.requests = FixedLimit.create(limit -> limit.permits(permits));
    }

    public static Proxy create(ResolveRoute routes, ProxySettings settings) {
        return create(routes, settings, ExchangeObserver.NONE);
    }

    /**
     * @param webSocketIdleTimeout how long a WebSocket of a route may carry nothing either way before Portico closes
     *                             it (1001 to both sides); {@link #DEFAULT_WEBSOCKET_IDLE_TIMEOUT} for every route
     *                             unless the route says otherwise
     */
    public static Proxy create(ResolveRoute routes, ProxySettings settings,
                               Function<ResolvedRoute, Duration> webSocketIdleTimeout) {
        return create(routes, settings, ExchangeObserver.NONE, Observation.NONE, webSocketIdleTimeout);
    }

    static Proxy create(ResolveRoute routes, ProxySettings settings, ExchangeObserver observer) {
        return create(routes, settings, observer, Observation.NONE, route -> DEFAULT_WEBSOCKET_IDLE_TIMEOUT);
    }

    /**
     * @param observer    hears each attempt's failures and retries (the metrics)
     * @param observation hears each exchange as it ends (the access log and the metrics), and says whether Portico
     *                    starts traces
     */
    public static Proxy create(ResolveRoute routes, ProxySettings settings, ExchangeObserver observer,
                               Observation observation, Function<ResolvedRoute, Duration> webSocketIdleTimeout) {
        UpstreamConnections connections = new UpstreamConnections(settings.connectTimeout(),
                settings.upstreamIdleTimeout());
        HttpsPolicy https = new HttpsPolicy(settings.httpsPort());
        ErrorReplies replies = new ErrorReplies(settings.detailedErrors());
        Forwarder forwarder = new Forwarder(new UpstreamCall(connections), observer, replies);
        TlsSessions tlsSessions = new TlsSessions();
        Http2Handler handler = new Http2Handler(routes, settings.trustedProxies(), https, forwarder, observation,
                tlsSessions);
        WebSocketProxy webSockets = new WebSocketProxy(routes, settings.trustedProxies(), connections,
                webSocketIdleTimeout, replies);
        Http1Connection.Shared http1 = new Http1Connection.Shared(forwarder, routes, https, settings.trustedProxies(),
                webSockets, settings.clients(), observation, tlsSessions);
        return new Proxy(settings, connections, handler, webSockets, http1);
    }

    /** A WebSocket that carried nothing either way this long is closed, unless its route says otherwise. */
    public static final Duration DEFAULT_WEBSOCKET_IDLE_TIMEOUT = WebSocketProxy.DEFAULT_IDLE_TIMEOUT;

    /** Sends every request of the routing, whatever its method and path, to the proxy. */
    public void register(HttpRouting.Builder routing) {
        routing.any(handler);
    }

    /**
     * Makes a listener a proxy listener ({@code WebServerConfig.Builder} for the default one); call it after the
     * listener's TLS, if any, is set:
     * <ul>
     *     <li>every connection goes to {@link ClientConnections}, the listener's only connection selector: counted
     *     against the connection limit, watched for the client timeouts, and read by Portico's HTTP/1.x reader
     *     ({@link Http1Connection}) or Helidon's HTTP/2 (h2 by ALPN on TLS, h2c with prior knowledge on plain
     *     HTTP; an h2c upgrade request is served as HTTP/1.1), with at most the configured concurrent streams;</li>
     *     <li>the proxy listeners share one limit of requests in flight; past it a request gets 503 at once;</li>
     *     <li>no maximum payload size: bodies stream through and are never held, so their size is the upstream's
     *     business;</li>
     *     <li>content codings pass through untouched in both directions (see {@link PassThroughContentCoding});</li>
     *     <li>TCP_NODELAY: the proxy writes each piece of a streamed body as it gets it;</li>
     *     <li>blocking sockets rather than NIO channels: Helidon's NIO socket writes through an 8 KiB staging buffer,
     *     one system call per 8 KiB (bench/NOTES.md), where a blocking socket writes a response in one;</li>
     *     <li>no output buffer: the relay writes whole pieces and flushes each, so a buffer only adds a copy.</li>
     * </ul>
     * HTTP/2 keeps Helidon's validation of requests and its "100 Continue" when the handler first reads the body.
     */
    public void configure(ListenerConfig.BuilderBase<?, ?> listener) {
        ClientLimits limits = settings.clients();
        // nginx's http2_max_concurrent_streams: Helidon's default (8192) lets one connection hold thousands of
        // upstream requests at once
        Http2Config http2 = Http2Config.builder().maxConcurrentStreams(limits.maxStreams()).build();
        // Helidon's default listener is "@default"; the log and the metrics call it "http"
        String name = listener.name().equals(WebServer.DEFAULT_SOCKET_NAME) ? "http" : listener.name();
        ClientConnections front = new ClientConnections(name, limits, deadlines,
                new Http2ConnectionProvider().create(listener.name(), http2, ProtocolConfigs.create(List.of(http2))),
                (ctx, watch) -> new Http1Connection(http1, ctx, watch), http1.tlsSessions());
        listeners.add(front);
        listener.tls().ifPresent(tls -> listener.tls(Tls.builder().from(tls.prototype())
                .sslContext(new AdmittingSslContext(tls.sslContext(), front)).build()));
        listener.maxPayloadSize(-1)
                .contentEncoding(PassThroughContentCoding.INSTANCE)
                .connectionOptions(options -> options.tcpNoDelay(true))
                .protocolsDiscoverServices(false)
                .protocols(List.of())
                .connectionSelectors(List.of(front))
                .concurrencyLimit(requests)
                .useNio(false)
                .writeBufferSize(0);
    }

    /**
     * Hears every new configuration (the composition root calls this after every swap of the routing table):
     * connections to targets that no longer take new requests (drained, weight 0 or removed) are closed, the idle
     * ones now and the busy ones as their requests finish; so are WebSockets whose route or target went away.
     */
    public void reconcile(Configuration configuration) {
        routesChanged(configuration);
        Set<Target> live = new HashSet<>();
        for (Upstream upstream : configuration.upstreams()) {
            for (Target target : upstream.targets()) {
                if (target.acceptsNew()) {
                    live.add(target);
                }
            }
        }
        connections.retainOnly(live);
    }

    /** TLS connections whose session the access log can still read, for tests: none once they have all ended. */
    int knownTlsSessions() {
        return http1.tlsSessions().size();
    }

    /** Open connections to a target's {@code scheme://host:port}, for tests and diagnostics. */
    int openConnections(String origin) {
        return connections.openTo(origin);
    }

    /**
     * Re-checks the open WebSockets after the routing table was swapped: those whose route was deleted (or no longer
     * matches them) or whose target was removed or is draining are closed with 1001; all others stay open. Returns
     * at once; {@link #reconcile} calls it.
     */
    void routesChanged(Configuration configuration) {
        webSockets.routesChanged(configuration);
    }

    /**
     * Before the server stops: open WebSockets get a close frame 1001 ("server shutting down") on both sides, and
     * up to {@code grace} to close; the rest are cut when the server stops.
     */
    public void closeWebSockets(Duration grace) {
        webSockets.goAway(grace);
    }

    /** How many WebSockets are open. */
    public int openWebSockets() {
        return webSockets.openCount();
    }

    /**
     * Portico is stopping: the proxy listeners close new connections as they come, connections waiting for a request
     * close now, and the others after their current response (HTTP/2: once their open streams are answered).
     * WebSockets stay until {@link #closeWebSockets}. Returns at once; watch {@link #requestsInFlight()}.
     */
    public void drain() {
        listeners.forEach(ClientConnections::drain);
    }

    /** Requests being forwarded now, on every proxy listener. */
    public int requestsInFlight() {
        return http1.forwarder().inFlight();
    }

    /** Open client connections by listener, then protocol (see {@link ClientConnections#openByProtocol()}). */
    public Map<String, Map<String, Integer>> openConnectionsByProtocol() {
        Map<String, Map<String, Integer>> counts = new TreeMap<>();
        for (ClientConnections listener : listeners) {
            counts.put(listener.listener(), listener.openByProtocol());
        }
        return counts;
    }

    /** Open WebSockets by route. */
    public Map<String, Integer> openWebSocketsByRoute() {
        return webSockets.openByRoute();
    }

    /** Open client connections of all proxy listeners, TLS handshakes in progress included. */
    public int openClientConnections() {
        return listeners.stream().mapToInt(ClientConnections::open).sum();
    }

    /** Closes every open WebSocket and idle upstream connection; the server must be stopped first. */
    @Override
    public void close() {
        deadlines.close();
        webSockets.close();
        connections.close();
    }
}
