package dev.portico.http.tls;

/** The HTTPS listener on Helidon's default transport: an {@code SSLEngine} over a socket channel. */
class HttpsOverNioTest extends HttpsListenerContract {
    @Override
    HttpsServer.Transport transport() {
        return HttpsServer.Transport.NIO;
    }
}
