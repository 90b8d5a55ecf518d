package dev.portico.http.forward;

import dev.portico.http.observe.ExchangeRecord;
import dev.portico.http.upstream.UpstreamBody;
import dev.portico.http.upstream.UpstreamConnection;
import dev.portico.http.upstream.UpstreamResponse;

import java.io.IOException;
import java.util.function.Supplier;

/**
 * Writes an upstream's response to the client: status, headers and a body streamed as it arrives. A body with a
 * Content-Length keeps it; a chunked one, or one that ends with the connection, reaches the client chunked. The
 * client's response is only committed once the first body bytes have arrived, so an upstream that fails before sending
 * any can still be answered with a 502 or 504. The connection goes back to the pool once the whole body has been read
 * from it and written on.
 *
 * <p>To an HTTP/1.1 client the response is written as bytes on its connection ({@link ClientWriter}): the status line,
 * the upstream's end-to-end header lines as they came, Portico's own, and the body from the upstream connection's
 * buffer, with the head put in front of the body bytes it precedes so that a response that arrived whole leaves in one
 * write. HTTP/2 clients get it through Helidon's response.
 */
public final class ResponseRelay {
    private ResponseRelay() {
    }

    /** How relaying ended. */
    public sealed interface Ending {
        /** The whole response reached the client. */
        record Complete() implements Ending {
        }

        /** The upstream failed before any body byte reached the client, which may still get an error response. */
        record UpstreamFailedBeforeBody(Exception cause) implements Ending {
        }

        /** The upstream failed mid-body; the client's response must be cut off, not completed. */
        record UpstreamFailedMidBody(Exception cause) implements Ending {
        }

        /** The client stopped reading. */
        record ClientGone(Exception cause) implements Ending {
        }
    }

    private static final Ending COMPLETE = new Ending.Complete();

    /**
     * To an HTTP/1.x client, as bytes on its connection.
     *
     * @param client opens the client's connection for writing; called when the first bytes are ready, so that until
     *               then the request can still be answered otherwise
     * @param close  whether the client's connection ends after this response
     * @param http10 whether the client speaks HTTP/1.0, which knows no chunks: a body of unknown length is then sent
     *               as it comes and ended by closing the connection ({@code close} must be true)
     */
    public static Ending toHttp1(UpstreamResponse upstream, UpstreamConnection connection, Supplier<ClientWriter> client,
                          boolean close, boolean http10, ResponseHeaders.Changes changes, ExchangeRecord record) {
        return relay(upstream, connection, new Http1Response(upstream, connection, client, close, http10, changes),
                record);
    }

    /**
     * Relays the upstream's response to the client, as {@code client} writes it, counting the body's bytes in the
     * record.
     */
    public static Ending relay(UpstreamResponse upstream, UpstreamConnection connection, ClientResponse client,
                               ExchangeRecord record) {
        UpstreamBody body = new UpstreamBody(connection, upstream);
        // the head is put together before the body is read: its bytes may be overwritten by the body's
        client.prepare();
        byte[] buffer = connection.buffer();
        int length;
        try {
            length = body.next();
        } catch (RuntimeException e) {
            connection.close();
            return new Ending.UpstreamFailedBeforeBody(e);
        }
        boolean last = body.complete();
        try {
            client.begin(buffer, connection.pieceStart(), Math.max(length, 0), last, body.roomAfter());
            record.addBytesOut(Math.max(length, 0));
        } catch (IOException | RuntimeException e) {
            body.end();
            return new Ending.ClientGone(e);
        }
        while (!last) {
            try {
                length = body.next();
            } catch (RuntimeException e) {
                connection.close();
                return new Ending.UpstreamFailedMidBody(e);
            }
            last = body.complete();
            try {
                if (length < 0) {
                    client.end();
                } else {
                    client.piece(connection.buffer(), connection.pieceStart(), length, last, body.roomAfter());
                    record.addBytesOut(length);
                }
            } catch (IOException | RuntimeException e) {
                body.end();
                return new Ending.ClientGone(e);
            }
        }
        body.end();
        return COMPLETE;
    }
}
