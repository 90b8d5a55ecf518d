package dev.portico.http.tls;

/**
 * The HTTPS listener with {@code useNio(false)}: Helidon 4.5 then takes an {@code SSLSocket} from the context's socket
 * factory and never applies {@code Tls.sslParameters()} itself, so this proves the listener applies them.
 */
class HttpsOverBlockingSocketsTest extends HttpsListenerContract {
    @Override
    HttpsServer.Transport transport() {
        return HttpsServer.Transport.BLOCKING_SOCKET;
    }
}
