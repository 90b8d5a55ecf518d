package dev.portico.http;

import io.helidon.common.buffers.DataReader;
import io.helidon.http.ClientResponseHeaders;
import io.helidon.http.HeaderNames;
import io.helidon.http.HeaderValues;
import io.helidon.http.Method;
import io.helidon.webclient.api.HttpClientResponse;
import io.helidon.webserver.http.ServerResponse;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.util.OptionalLong;
import java.util.function.UnaryOperator;

/**
 * Writes an upstream's response to the client: status, headers and a body streamed as it arrives, framed as the
 * upstream framed it (a Content-Length stays a Content-Length, chunked stays chunked). The client's response is
 * only committed once the first body bytes have arrived, so an upstream that fails before sending any can still be
 * answered with a 502 or 504.
 */
final class ResponseRelay {
    private ResponseRelay() {
    }

    /** How relaying ended. */
    sealed interface Ending {
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

    static Ending relay(Method method, HttpClientResponse upstream, UpstreamConnection connection,
                        ServerResponse client, UnaryOperator<String> rewriteLocation) {
        int status = upstream.status().code();
        ClientResponseHeaders headers = upstream.headers();
        if (headers.contains(HeaderNames.CONTENT_LENGTH) && headers.contains(HeaderNames.TRANSFER_ENCODING)) {
            // RFC 9112 6.3: a message with both is an attack or a broken server; where it ends is unknowable
            connection.doNotReuse();
            upstream.close();
            return new Ending.UpstreamFailedBeforeBody(
                    new IllegalStateException("response with both Content-Length and Transfer-Encoding"));
        }
        // status first: Helidon refuses to switch to 204/304 once a Content-Length is set
        client.status(upstream.status());
        HeaderRules.toClient(headers, client.headers(), rewriteLocation);

        if (status == 204 || status == 205 || status == 304) {
            // no body; Helidon answers a non-zero Content-Length on these with a 500 (a 304 may legally carry the
            // representation's length, which is dropped here) and writes "Content-Length: 0" itself
            client.headers().remove(HeaderNames.CONTENT_LENGTH);
            upstream.close();
            client.send();
            return COMPLETE;
        }
        if (method == Method.HEAD) {
            // the upstream's Content-Length describes the body a GET would get and is kept; send() writes no body
            upstream.close();
            client.send();
            return COMPLETE;
        }

        OptionalLong length = headers.contentLength();
        if (length.isPresent() && length.getAsLong() == 0) {
            upstream.close();
            client.send();
            return COMPLETE;
        }
        InputStream body;
        if (length.isEmpty() && headers.containsToken(HeaderValues.TRANSFER_ENCODING_CHUNKED)) {
            // said explicitly, Helidon keeps chunked framing even for a body it could send with a length
            client.headers().set(HeaderValues.TRANSFER_ENCODING_CHUNKED);
            body = upstream.inputStream();
        } else if (length.isEmpty() || headers.contains(HeaderNames.UPGRADE)) {
            // Read from the connection here, for two webclient quirks: its stream for a body that ends with the
            // connection throws at that end instead of returning -1, and it takes any response with an Upgrade
            // header for a protocol switch without a body, though servers advertise upgrades on ordinary
            // responses (Apache with mod_http2: "Upgrade: h2c"). Such a connection is closed, not reused; a body
            // without a length reaches the client chunked.
            connection.doNotReuse();
            body = new ConnectionBody(connection.client().reader(), length.orElse(ConnectionBody.UNTIL_CLOSED));
        } else {
            body = upstream.inputStream();
        }
        return streamBody(upstream, body, client);
    }

    private static Ending streamBody(HttpClientResponse upstream, InputStream in, ServerResponse client) {
        byte[] buffer = new byte[RequestBody.BUFFER_SIZE];
        OutputStream out = null;
        while (true) {
            int read;
            try {
                read = in.read(buffer);
            } catch (IOException | RuntimeException e) {
                upstream.close();
                return out == null ? new Ending.UpstreamFailedBeforeBody(e) : new Ending.UpstreamFailedMidBody(e);
            }
            if (read < 0) {
                break;
            }
            try {
                if (out == null) {
                    out = client.outputStream();
                }
                out.write(buffer, 0, read);
                // written at once: a proxy must not hold back what the upstream sent (event streams, long polls)
                out.flush();
            } catch (IOException | RuntimeException e) {
                // closing an unread response closes its connection: the rest of the body is not drained
                upstream.close();
                return new Ending.ClientGone(e);
            }
        }
        upstream.close();
        try {
            if (out == null) {
                client.send();
            } else {
                out.close();
            }
        } catch (RuntimeException | IOException e) {
            return new Ending.ClientGone(e);
        }
        return COMPLETE;
    }

    /** A body read straight from the connection: {@code length} bytes, or up to the connection's end. */
    private static final class ConnectionBody extends InputStream {
        static final long UNTIL_CLOSED = Long.MAX_VALUE;

        private final DataReader reader;
        private long remaining;

        ConnectionBody(DataReader reader, long length) {
            this.reader = reader;
            this.remaining = length;
        }

        @Override
        public int read() {
            byte[] one = new byte[1];
            return read(one, 0, 1) < 0 ? -1 : one[0] & 0xff;
        }

        @Override
        public int read(byte[] bytes, int offset, int length) {
            if (remaining == 0) {
                return -1;
            }
            try {
                reader.ensureAvailable();
            } catch (DataReader.InsufficientDataAvailableException end) {
                if (remaining == UNTIL_CLOSED) {
                    remaining = 0;
                    return -1;
                }
                throw end;
            }
            int count = (int) Math.min(Math.min(length, reader.available()), remaining);
            reader.readBuffer(count).read(bytes, offset, count);
            if (remaining != UNTIL_CLOSED) {
                remaining -= count;
            }
            return count;
        }
    }
}
