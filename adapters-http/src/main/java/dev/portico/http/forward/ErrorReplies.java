package dev.portico.http.forward;

import dev.portico.http.upstream.UpstreamFailure;

import io.helidon.http.Header;
import io.helidon.http.HeaderNames;
import io.helidon.http.HeaderValues;
import io.helidon.http.Status;
import io.helidon.webserver.http.ServerResponse;

import java.nio.charset.StandardCharsets;

/**
 * The responses Portico writes itself: one short line of text/plain naming the status and what happened. They never
 * name an upstream, a target or an address, which are the operator's business and go to the log; with detailed errors
 * on (for debugging) the replies to upstream failures say which upstream failed and how.
 */
public final class ErrorReplies {
    public static final byte[] NO_ROUTE = ascii("404 Not Found: no route matches this host and path\n");
    public static final byte[] DOT_SEGMENT = ascii("400 Bad Request: the path has a '.' or '..' segment\n");
    public static final byte[] REDIRECT_TO_HTTPS = ascii("308 Permanent Redirect: this site is served over HTTPS\n");
    public static final byte[] NO_HOST_TO_REDIRECT =
            ascii("400 Bad Request: this site is served over HTTPS; send a Host header to be redirected there\n");
    public static final byte[] METHOD_NOT_ALLOWED = ascii("405 Method Not Allowed: TRACE and CONNECT are not served\n");
    public static final byte[] TOO_BUSY = ascii("503 Service Unavailable: too many requests in progress; try again\n");

    private static final Header TEXT_PLAIN = HeaderValues.createCached(HeaderNames.CONTENT_TYPE,
            "text/plain; charset=UTF-8");

    private final boolean detailed;

    /** @param detailed whether replies to upstream failures name the upstream and what failed */
    public ErrorReplies(boolean detailed) {
        this.detailed = detailed;
    }

    /** {@code "<code> <reason>: <what>"}, for a request refused as it was read. */
    public static byte[] text(Status status, String what) {
        return ascii(status.code() + " " + status.reasonPhrase() + ": " + what + "\n");
    }

    /**
     * The body of the reply to a request the upstream failed (502, 504), also for the WebSocket handshake, which writes
     * its answers itself.
     */
    public String upstreamFailed(String upstream, UpstreamFailure failure) {
        if (detailed) {
            return failure.status() + " " + failure.reason() + ": upstream '" + upstream + "' "
                    + failure.description() + "\n";
        }
        return failure.status() == 504
                ? "504 Gateway Timeout: the server behind this one did not answer in time\n"
                : failure.status() + " " + failure.reason() + ": the server behind this one failed\n";
    }

    /** No target can take the request: all are at their connection limit, or none takes new requests (503). */
    public String noTarget(String upstream, boolean allFull) {
        if (!detailed) {
            return NO_SERVER;
        }
        return "503 Service Unavailable: " + (allFull
                ? "every target of upstream '" + upstream + "' is at its connection limit\n"
                : "upstream '" + upstream + "' has no target taking requests (all draining or weight 0)\n");
    }

    /** Every target that takes requests was tried, and none could be reached (503). */
    public String noneReachable(String upstream, int tried) {
        if (!detailed) {
            return NO_SERVER;
        }
        return "503 Service Unavailable: no target of upstream '" + upstream + "' could be reached ("
                + tried + (tried == 1 ? " attempt" : " attempts") + ")\n";
    }

    private static final String NO_SERVER = "503 Service Unavailable: no server is available to answer\n";

    /** One of Portico's own replies, through Helidon's response (HTTP/2). */
    public static void send(ServerResponse response, Status status, byte[] body) {
        response.status(status);
        response.header(TEXT_PLAIN);
        response.header(HeaderRules.SERVER);
        response.send(body);
    }

    /** 308 keeps the method and body, where a 301 lets clients turn a POST into a GET. */
    public static void redirectToHttps(ServerResponse response, String location) {
        response.header(HeaderNames.LOCATION, location);
        send(response, Status.PERMANENT_REDIRECT_308, REDIRECT_TO_HTTPS);
    }

    public static void noHostToRedirect(ServerResponse response) {
        send(response, Status.BAD_REQUEST_400, NO_HOST_TO_REDIRECT);
    }

    private static byte[] ascii(String text) {
        return text.getBytes(StandardCharsets.US_ASCII);
    }
}
