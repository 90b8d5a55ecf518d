package dev.portico.http;

import io.helidon.webserver.http.ServerRequest;
import io.helidon.webserver.http.ServerResponse;
import io.helidon.webserver.http1.spi.Http1UpgradeResponse;

/**
 * What differs between the client's HTTP/1.1 and HTTP/2 exchanges: HTTP/2 frames bodies itself and forbids the
 * connection-specific headers, Transfer-Encoding and Connection among them (RFC 9113, 8.2.2); a client that sees one
 * resets the stream.
 */
final class HttpVersions {
    private HttpVersions() {
    }

    static boolean isHttp1(ServerRequest request) {
        return request.prologue().protocolVersion().startsWith("1.");
    }

    /**
     * Helidon's HTTP/1.1 response is the only one that implements the upgrade response interface; the classes
     * themselves are not public, and a response does not know its request's version.
     */
    static boolean isHttp1(ServerResponse response) {
        return response instanceof Http1UpgradeResponse;
    }
}
