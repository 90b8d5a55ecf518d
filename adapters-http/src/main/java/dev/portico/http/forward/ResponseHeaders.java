package dev.portico.http.forward;

import dev.portico.http.wire.HeadWriter;
import dev.portico.http.wire.ResponseHead;

import io.helidon.http.DateTime;
import io.helidon.http.Header;

import java.nio.charset.StandardCharsets;
import java.util.function.UnaryOperator;

/**
 * The header lines an HTTP/1.x client gets of an upstream's response: what passes as it came, what Portico changes
 * (Location, Strict-Transport-Security, X-Request-Id) and what it adds (Server, Via, a missing Date).
 */
public final class ResponseHeaders {
    private ResponseHeaders() {
    }

    /**
     * What Portico changes in the upstream's headers besides dropping the hop-by-hop ones and writing its own Server
     * and Via.
     *
     * @param rewriteLocation   maps the upstream's Location to the one the client gets
     * @param strictTransport   the route's Strict-Transport-Security header for this response, or null
     * @param ownsStrictTransport whether the route has an HSTS policy, which then replaces the upstream's header (over
     *                          TLS) or removes it (over plain HTTP, where {@code strictTransport} is null)
     * @param requestId         the request's X-Request-Id, which replaces the upstream's (null: the upstream's is dropped)
     */
    public record Changes(UnaryOperator<String> rewriteLocation, Header strictTransport, boolean ownsStrictTransport,
                          String requestId) {
    }

    private static final byte[] COLON = ascii(": ");
    private static final byte[] SERVER = ascii("Server: portico\r\n");
    private static final byte[] VIA = ascii("Via: " + HeaderRules.VIA + "\r\n");
    private static final byte[] VIA_NAME = ascii("Via: ");
    private static final byte[] VIA_APPENDED = ascii(", " + HeaderRules.VIA + "\r\n");
    private static final byte[] LOCATION = ascii("Location: ");
    private static final byte[] DATE = ascii("Date: ");
    private static final byte[] X_REQUEST_ID = ascii("X-Request-Id: ");

    /**
     * The header lines an HTTP/1.1 client gets of an upstream's response, besides the body's framing and Connection:
     * the end-to-end lines as they came (repeated ones as repeated lines), Location rewritten, Portico's Server, Via
     * with Portico's hop appended, the route's HSTS policy, a Date when the upstream sent none, and the request's id.
     */
    public static void headerLines(HeadWriter out, ResponseHead head, Changes changes) {
        for (int i = 0; i < head.count(); i++) {
            switch (head.kind(i)) {
                case PASS, DATE -> line(out, head, i);
                case STRICT_TRANSPORT_SECURITY -> {
                    if (!changes.ownsStrictTransport()) {
                        line(out, head, i);
                    }
                }
                case LOCATION -> {
                    if (i == head.location()) {
                        out.write(LOCATION).writeLatin1(changes.rewriteLocation().apply(head.value(i))).crlf();
                    }
                }
                default -> {
                    // hop-by-hop, framing, Server and Via: Portico writes its own
                }
            }
        }
        out.write(SERVER);
        if (head.hasVia()) {
            out.write(VIA_NAME).writeLatin1(head.joined(ResponseHead.Kind.VIA)).write(VIA_APPENDED);
        } else {
            out.write(VIA);
        }
        if (changes.strictTransport() != null) {
            Header sts = changes.strictTransport();
            out.write(sts.headerName().nameBytes()).write(COLON).writeLatin1(sts.get()).crlf();
        }
        if (!head.hasDate()) {
            out.write(DATE).write(DateTime.http1Bytes());
        }
        if (changes.requestId() != null) {
            out.write(X_REQUEST_ID).writeLatin1(changes.requestId()).crlf();
        }
    }

    private static void line(HeadWriter out, ResponseHead head, int i) {
        byte[] b = head.buffer();
        out.write(b, head.nameStart(i), head.nameEnd(i) - head.nameStart(i)).write(COLON)
                .write(b, head.valueStart(i), head.valueEnd(i) - head.valueStart(i)).crlf();
    }

    private static byte[] ascii(String text) {
        return text.getBytes(StandardCharsets.US_ASCII);
    }
}
