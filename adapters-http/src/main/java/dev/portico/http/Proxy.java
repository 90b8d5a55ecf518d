package dev.portico.http;

import dev.portico.domain.model.Configuration;
import dev.portico.domain.model.ResolvedRoute;
import dev.portico.domain.model.Target;
import dev.portico.domain.model.Upstream;
import dev.portico.domain.port.ResolveRoute;

import io.helidon.webserver.ListenerConfig;
import io.helidon.webserver.ProtocolConfigs;
import io.helidon.webserver.http1.Http1ConnectionProvider;
import io.helidon.webserver.spi.ProtocolConfig;
import io.helidon.webserver.spi.ServerConnectionSelector;
import io.helidon.webserver.http1.Http1Config;
import io.helidon.webserver.http.HttpRouting;
import io.helidon.webserver.http2.Http2Config;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.HashSet;
import java.util.Set;
import java.util.function.Function;

/**
 * The data plane: a reverse proxy for a Helidon listener. The composition root builds and owns the WebServer;
 * this registers the handler that takes every request on the listener, tunes the listener for proxying, and owns
 * the connections to the upstreams.
 */
public final class Proxy implements AutoCloseable {
    private final UpstreamConnections connections;
    private final ProxyHandler handler;
    private final WebSocketProxy webSockets;
    private final HttpsPolicy https;
    private final ProxySettings.TrustedProxies trustedProxies;

    private Proxy(UpstreamConnections connections, ProxyHandler handler, WebSocketProxy webSockets, HttpsPolicy https,
                  ProxySettings.TrustedProxies trustedProxies) {
        this.connections = connections;
        this.handler = handler;
        this.webSockets = webSockets;
        this.https = https;
        this.trustedProxies = trustedProxies;
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
        return create(routes, settings, ExchangeObserver.NONE, webSocketIdleTimeout);
    }

    static Proxy create(ResolveRoute routes, ProxySettings settings, ExchangeObserver observer) {
        return create(routes, settings, observer, route -> DEFAULT_WEBSOCKET_IDLE_TIMEOUT);
    }

    static Proxy create(ResolveRoute routes, ProxySettings settings, ExchangeObserver observer,
                        Function<ResolvedRoute, Duration> webSocketIdleTimeout) {
        UpstreamConnections connections = new UpstreamConnections(settings.connectTimeout(),
                settings.upstreamIdleTimeout());
        HttpsPolicy https = new HttpsPolicy(settings.httpsPort());
        ProxyHandler handler = new ProxyHandler(routes, settings.trustedProxies(), new UpstreamCall(connections),
                observer, https);
        WebSocketProxy webSockets = new WebSocketProxy(routes, settings.trustedProxies(), connections,
                webSocketIdleTimeout);
        return new Proxy(connections, handler, webSockets, https, settings.trustedProxies());
    }

    /** HTTP/2 streams one client connection may have open at once (nginx's default). */
    static final int MAX_CONCURRENT_STREAMS = 128;

    /** A WebSocket that carried nothing either way this long is closed, unless its route says otherwise. */
    public static final Duration DEFAULT_WEBSOCKET_IDLE_TIMEOUT = WebSocketProxy.DEFAULT_IDLE_TIMEOUT;

    /** Sends every request of the routing, whatever its method and path, to the proxy. */
    public void register(HttpRouting.Builder routing) {
        routing.any(handler);
    }

    /**
     * Listener settings the data plane relies on, for the proxy's listener ({@code WebServerConfig.Builder} for the
     * default one):
     * <ul>
     *     <li>no maximum payload size: bodies stream through and are never held, so their size is the upstream's
     *     business;</li>
     *     <li>content codings pass through untouched in both directions (see {@link PassThroughContentCoding});</li>
     *     <li>TCP_NODELAY: the proxy writes each piece of a streamed body as it gets it;</li>
     *     <li>response headers are not validated a second time on the way out: {@link ResponseHead} validated the
     *     upstream's as it read them, and Portico's own are constants or built from validated request headers;</li>
     *     <li>no wire logging of each request and response (Helidon's TRACE-level listeners cost a dispatch per
     *     message even when TRACE is off); Portico logs what goes wrong itself;</li>
     *     <li>blocking sockets rather than NIO channels: Helidon's NIO socket writes through an 8 KiB staging buffer,
     *     one system call per 8 KiB (bench/NOTES.md), where a blocking socket writes a response in one;</li>
     *     <li>no output buffer: the relay writes whole pieces and flushes each, so a buffer only adds a copy;</li>
     *     <li>HTTP/1.1 requests read first by Portico's own reader ({@link Http1Fast}), which hands a connection to
     *     Helidon's at the first request it does not take;</li>
     *     <li>exactly these protocols, none found by the service loader: HTTP/1.1; HTTP/2 (h2 by ALPN on a TLS
     *     listener, h2c with prior knowledge on a plain one; the h2c upgrade is declined, see
     *     {@link H2cUpgradeRefusal}); WebSocket upgrades taken by Portico's own relay ({@link WebSocketRelay}) rather
     *     than by a Helidon WebSocket server that may be on the class path.</li>
     * </ul>
     * Helidon's other defaults are kept on purpose: request header, Host and path validation stay on (a proxy is the
     * first line against malformed requests), "100 Continue" is sent when the handler first reads the body (so a
     * request refused before that never makes the client send its body), and a Date header is added only when the
     * upstream sent none.
     */
    public void configure(ListenerConfig.BuilderBase<?, ?> listener) {
        Http1Config http1 = Http1Config.builder().validateResponseHeaders(false).receiveLog(false).sendLog(false)
                .build();
        List<ProtocolConfig> protocols = new ArrayList<>();
        protocols.add(http1);
        // nginx's http2_max_concurrent_streams: Helidon's default (8192) lets one connection hold thousands of upstream
        // requests at once
        protocols.add(Http2Config.builder().maxConcurrentStreams(MAX_CONCURRENT_STREAMS).build());
        protocols.addAll(WebSocketUpgradeProvider.configs(webSockets));
        listener.maxPayloadSize(-1)
                .contentEncoding(PassThroughContentCoding.INSTANCE)
                .connectionOptions(options -> options.tcpNoDelay(true))
                .protocolsDiscoverServices(false)
                .addProtocols(protocols)
                .addConnectionSelector(fastHttp1(http1, protocols))
                .useNio(false)
                .writeBufferSize(0);
    }

    /**
     * Portico's HTTP/1.1 reader in front of Helidon's ({@link Http1Fast}), with a Helidon HTTP/1.1 selector of its own
     * to hand connections to, made by Helidon's provider from the listener's protocols just as the listener makes its
     * own, so that it has the same settings and the same upgraders (WebSocket, the h2c refusal).
     */
    private Http1Fast fastHttp1(Http1Config http1, List<ProtocolConfig> protocols) {
        ServerConnectionSelector helidon = new Http1ConnectionProvider().create("proxy", http1,
                ProtocolConfigs.create(protocols));
        return new Http1Fast(helidon, handler, https, trustedProxies, http1.maxPrologueLength(),
                http1.maxHeadersSize());
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

    /** Closes every open WebSocket and idle upstream connection; the server must be stopped first. */
    @Override
    public void close() {
        webSockets.close();
        connections.close();
    }
}
