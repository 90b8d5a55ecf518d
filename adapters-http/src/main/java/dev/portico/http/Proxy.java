package dev.portico.http;

import dev.portico.domain.port.ResolveRoute;

import io.helidon.webserver.ListenerConfig;
import io.helidon.webserver.http1.Http1Config;
import io.helidon.webserver.http.HttpRouting;

/**
 * The data plane: a reverse proxy for a Helidon listener. The composition root builds and owns the WebServer;
 * this registers the handler that takes every request on the listener, tunes the listener for proxying, and owns
 * the connections to the upstreams.
 */
public final class Proxy implements AutoCloseable {
    private final UpstreamConnections connections;
    private final ProxyHandler handler;

    private Proxy(UpstreamConnections connections, ProxyHandler handler) {
        this.connections = connections;
        this.handler = handler;
    }

    public static Proxy create(ResolveRoute routes, ProxySettings settings) {
        return create(routes, settings, ExchangeObserver.NONE);
    }

    static Proxy create(ResolveRoute routes, ProxySettings settings, ExchangeObserver observer) {
        UpstreamConnections connections = new UpstreamConnections(settings.connectTimeout(),
                settings.upstreamIdleTimeout());
        ProxyHandler handler = new ProxyHandler(routes, settings.trustedProxies(), new UpstreamCall(connections),
                observer, new HttpsPolicy(settings.httpsPort()));
        return new Proxy(connections, handler);
    }

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
     *     <li>response headers are not validated a second time on the way out: {@link UpstreamExchange} validated the
     *     upstream's as it read them, and Portico's own are constants or built from validated request headers;</li>
     *     <li>blocking sockets rather than NIO channels: Helidon's NIO socket writes through an 8 KiB staging buffer,
     *     one system call per 8 KiB (bench/NOTES.md), where a blocking socket writes a response in one;</li>
     *     <li>no output buffer: the relay writes whole pieces and flushes each, so a buffer only adds a copy.</li>
     * </ul>
     * Helidon's other defaults are kept on purpose: request header, Host and path validation stay on (a proxy is the
     * first line against malformed requests), "100 Continue" is sent when the handler first reads the body (so a
     * request refused before that never makes the client send its body), and a Date header is added only when the
     * upstream sent none.
     */
    public void configure(ListenerConfig.BuilderBase<?, ?> listener) {
        listener.maxPayloadSize(-1)
                .contentEncoding(PassThroughContentCoding.INSTANCE)
                .connectionOptions(options -> options.tcpNoDelay(true))
                .addProtocol(Http1Config.builder().validateResponseHeaders(false).build())
                .useNio(false)
                .writeBufferSize(0);
    }

    /** Closes every idle upstream connection; the server must be stopped first. */
    @Override
    public void close() {
        connections.close();
    }
}
