package dev.portico.http;

import dev.portico.domain.port.ResolveRoute;

import io.helidon.common.media.type.ParserMode;
import io.helidon.http.media.MediaContext;
import io.helidon.webclient.api.WebClient;
import io.helidon.webclient.http1.Http1Client;
import io.helidon.webclient.http1.Http1ClientProtocolConfig;
import io.helidon.webserver.ListenerConfig;
import io.helidon.webserver.http.HttpRouting;

/**
 * The data plane: a reverse proxy for a Helidon listener. The composition root builds and owns the WebServer;
 * this registers the handler that takes every request on the listener, tunes the listener for proxying, and owns
 * the connections to the upstreams.
 */
public final class Proxy implements AutoCloseable {
    private final Http1Client client;
    private final UpstreamConnections connections;
    private final ProxyHandler handler;

    private Proxy(Http1Client client, UpstreamConnections connections, ProxyHandler handler) {
        this.client = client;
        this.connections = connections;
        this.handler = handler;
    }

    public static Proxy create(ResolveRoute routes, ProxySettings settings) {
        return create(routes, settings, ExchangeObserver.NONE);
    }

    static Proxy create(ResolveRoute routes, ProxySettings settings, ExchangeObserver observer) {
        WebClient webClient = WebClient.builder()
                // a proxy relays redirects, cookies and encodings; it never acts on them
                .followRedirects(false)
                .contentEncoding(PassThroughContentCoding.none())
                .mediaContext(MediaContext.builder().mediaSupportsDiscoverServices(false).build())
                .mediaTypeParserMode(ParserMode.RELAXED)
                // no tracing, metrics or security services from the classpath on the per-request path
                .servicesDiscoverServices(false)
                .addService(new NoAddedUserAgent())
                // the client already chose whether to wait for "100 Continue"; Portico answered it
                .sendExpectContinue(false)
                .proxy(io.helidon.webclient.api.Proxy.noProxy())
                .connectTimeout(settings.connectTimeout())
                .socketOptions(options -> options.connectTimeout(settings.connectTimeout()).tcpNoDelay(true))
                // every write goes to the socket as it is made: a streamed upload must not wait in a buffer
                .writeBufferSize(0)
                .build();
        Http1Client client = webClient.client(Http1Client.PROTOCOL, Http1ClientProtocolConfig.builder()
                // the request headers are the ones the listener already validated, plus Portico's own
                .validateRequestHeaders(false)
                .validateResponseHeaders(true)
                .build());
        UpstreamConnections connections = new UpstreamConnections(webClient, settings.upstreamIdleTimeout());
        ProxyHandler handler = new ProxyHandler(routes, settings.trustedProxies(),
                new UpstreamCall(client, connections), observer);
        return new Proxy(client, connections, handler);
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
     *     <li>TCP_NODELAY: the proxy writes each piece of a streamed body as it gets it.</li>
     * </ul>
     * Helidon's other defaults are kept on purpose: request header, Host and path validation stay on (a proxy is
     * the first line against malformed requests), "100 Continue" is sent when the handler first reads the body
     * (so a request refused before that never makes the client send its body), and a Date header is added only
     * when the upstream sent none.
     */
    public void configure(ListenerConfig.BuilderBase<?, ?> listener) {
        listener.maxPayloadSize(-1)
                .contentEncoding(PassThroughContentCoding.INSTANCE)
                .connectionOptions(options -> options.tcpNoDelay(true));
    }

    /** Closes every idle upstream connection; the server must be stopped first. */
    @Override
    public void close() {
        connections.close();
        client.closeResource();
    }
}
