package dev.portico.http.upstream;

import dev.portico.http.wire.ResponseHead;

/**
 * The status and headers of an upstream's final response, as {@link UpstreamExchange} read them (parsed in the
 * connection's buffer, valid while the connection is held); the body is still on the connection, framed as
 * {@code body} says.
 *
 * @param length the body's length when it is framed by {@link BodyFraming#LENGTH}, else 0
 */
public record UpstreamResponse(ResponseHead head, BodyFraming body, long length) {

    public int status() {
        return head.code();
    }

    /** Where the body ends (RFC 9112, 6.3). */
    public enum BodyFraming {
        /** No body: a HEAD request, a 204 or 304, or a Content-Length of 0. */
        NONE,
        /** Content-Length bytes. */
        LENGTH,
        /** Chunked transfer coding, up to its last chunk. */
        CHUNKED,
        /** Neither a length nor chunked: the body ends with the connection, which therefore cannot be reused. */
        UNTIL_CLOSED
    }
}
