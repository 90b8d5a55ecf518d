package dev.portico.http.tls;

import io.helidon.webserver.WebServer;

/**
 * A real Helidon server as the app will wire it: plain HTTP on the default socket and an "https" socket whose TLS
 * comes from {@link TlsListener}, both on 127.0.0.1 and ephemeral ports. The HTTPS routing answers "hello".
 */
final class HttpsServer implements AutoCloseable {
    private final WebServer server;

    private HttpsServer(WebServer server) {
        this.server = server;
    }

    static HttpsServer start(SniKeyManager keyManager) {
        return start(keyManager, Transport.NIO);
    }

    /** Helidon's two ways of serving a connection; TLS reaches them through different JDK calls. */
    enum Transport {
        /** The default: an {@code SSLEngine} over a socket channel, set up from {@code Tls.sslParameters()}. */
        NIO,
        /** {@code useNio(false)}: an {@code SSLSocket} from {@code tls.sslContext().getSocketFactory()}. */
        BLOCKING_SOCKET
    }

    static HttpsServer start(SniKeyManager keyManager, Transport transport) {
        WebServer server = WebServer.builder()
                .shutdownHook(false)
                .host("127.0.0.1")
                .port(0)
                .routing(routing -> routing.get("/", (request, response) -> response.send("plain")))
                .putSocket("https", socket -> socket.host("127.0.0.1").port(0).useNio(transport == Transport.NIO)
                        // Helidon leaves Nagle on; with it, each small TLS record waits ~40 ms for a delayed ACK.
                        .connectionOptions(options -> options.tcpNoDelay(true))
                        .tls(TlsListener.tls(keyManager)))
                .routing("https", routing -> routing.get("/", (request, response) -> response.send("hello")))
                .build()
                .start();
        return new HttpsServer(server);
    }

    int port() {
        return server.port("https");
    }

    @Override
    public void close() {
        server.stop();
    }
}
