package dev.portico.http;

import io.helidon.http.Header;
import io.helidon.http.HeaderNames;
import io.helidon.http.HeaderValues;
import io.helidon.http.Status;
import io.helidon.webserver.http.ServerRequest;
import io.helidon.webserver.http.ServerResponse;

import java.nio.charset.StandardCharsets;

/**
 * The responses Portico writes itself: one short line of text/plain naming the status and, for upstream
 * failures, the upstream by name. Never a stack trace or an address.
 */
final class ErrorReplies {
    private static final byte[] NO_ROUTE = "404 Not Found: no route matches this host and path\n"
            .getBytes(StandardCharsets.US_ASCII);

    private static final byte[] DOT_SEGMENT = "400 Bad Request: the path has a '.' or '..' segment\n"
            .getBytes(StandardCharsets.US_ASCII);

    private static final byte[] REDIRECT_TO_HTTPS = "308 Permanent Redirect: this site is served over HTTPS\n"
            .getBytes(StandardCharsets.US_ASCII);

    private static final byte[] NO_HOST_TO_REDIRECT =
            "400 Bad Request: this site is served over HTTPS; send a Host header to be redirected there\n"
                    .getBytes(StandardCharsets.US_ASCII);

    /** {@link #noRoute} and {@link #dotSegment} for {@link Http1Fast}, which writes its replies as bytes. */
    static final ProxyHandler.FastPath.Answer NO_ROUTE_ANSWER =
            new ProxyHandler.FastPath.Answer(Status.NOT_FOUND_404, NO_ROUTE);
    static final ProxyHandler.FastPath.Answer DOT_SEGMENT_ANSWER =
            new ProxyHandler.FastPath.Answer(Status.BAD_REQUEST_400, DOT_SEGMENT);

    private static final Header TEXT_PLAIN = HeaderValues.createCached(HeaderNames.CONTENT_TYPE,
            "text/plain; charset=UTF-8");

    private ErrorReplies() {
    }

    static void noRoute(ServerRequest request, ServerResponse response) {
        send(request, response, Status.NOT_FOUND_404, NO_ROUTE);
    }

    static void dotSegment(ServerRequest request, ServerResponse response) {
        send(request, response, Status.BAD_REQUEST_400, DOT_SEGMENT);
    }

    /** 308 keeps the method and body, where a 301 lets clients turn a POST into a GET. */
    static void redirectToHttps(ServerRequest request, ServerResponse response, String location) {
        response.header(HeaderNames.LOCATION, location);
        send(request, response, Status.PERMANENT_REDIRECT_308, REDIRECT_TO_HTTPS);
    }

    static void noHostToRedirect(ServerRequest request, ServerResponse response) {
        send(request, response, Status.BAD_REQUEST_400, NO_HOST_TO_REDIRECT);
    }

    /**
     * The body of the reply to a request the upstream failed (502, 504), also for the WebSocket handshake, which writes
     * its answers itself.
     */
    static String upstreamFailedText(String upstream, UpstreamFailure failure) {
        return failure.status() + " " + failure.reason() + ": upstream '" + upstream + "' " + failure.description()
                + "\n";
    }

    /** No target can take the request: all are at their connection limit, or none takes new requests (503). */
    static String noTargetText(String upstream, boolean allFull) {
        return "503 Service Unavailable: " + (allFull
                ? "every target of upstream '" + upstream + "' is at its connection limit\n"
                : "upstream '" + upstream + "' has no target taking requests (all draining or weight 0)\n");
    }

    /** Every target that takes requests was tried, and none could be reached (503). */
    static String noneReachableText(String upstream, int tried) {
        return "503 Service Unavailable: no target of upstream '" + upstream + "' could be reached ("
                + tried + (tried == 1 ? " attempt" : " attempts") + ")\n";
    }

    /** One of Portico's own replies, through Helidon's response. */
    static void send(ServerRequest request, ServerResponse response, Status status, byte[] body) {
        response.status(status);
        response.header(TEXT_PLAIN);
        response.header(HeaderRules.SERVER);
        if (!request.content().consumed() && HttpVersions.isHttp1(request)) {
            // Helidon would otherwise read (and discard) the rest of the request body before the next request,
            // however large; closing is cheaper, and a client waiting for "100 Continue" never sends it. HTTP/2 has no
            // Connection header: the rest of that stream is discarded, the connection's other streams go on
            response.header(HeaderValues.CONNECTION_CLOSE);
        }
        response.send(body);
    }
}
