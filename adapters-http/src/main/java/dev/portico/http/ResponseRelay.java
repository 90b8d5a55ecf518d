package dev.portico.http;

import io.helidon.common.buffers.DataReader;
import io.helidon.http.HeaderNames;
import io.helidon.http.HeaderValues;
import io.helidon.webserver.http.ServerResponse;

import java.io.IOException;
import java.io.OutputStream;
import java.util.function.UnaryOperator;

/**
 * Writes an upstream's response to the client: status, headers and a body streamed as it arrives, framed as the
 * upstream framed it (a Content-Length stays a Content-Length, chunked stays chunked; a body that ends with the
 * connection reaches the client chunked). The client's response is only committed once the first body bytes have
 * arrived, so an upstream that fails before sending any can still be answered with a 502 or 504. The connection
 * goes back to the pool as soon as the whole body has been read from it, before the last piece is written.
 */
final class ResponseRelay {
    /** Longest chunk-size line (size and extensions) accepted in a chunked body. */
    private static final int MAX_CHUNK_LINE = 1024;
    /**
     * Up to this size a first piece of body is written with the status and headers, in one system call; a larger one
     * is written after them, in two, which costs less than the copies Helidon makes to put them together.
     */
    private static final int SEND_WITH_HEADERS = 8 * 1024;

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

    static Ending relay(UpstreamResponse upstream, UpstreamConnection connection, ServerResponse client,
                        UnaryOperator<String> rewriteLocation) {
        // status first: Helidon refuses to switch to 204/304 once a Content-Length is set
        client.status(upstream.status());
        HeaderRules.toClient(upstream.headers(), client.headers(), rewriteLocation);
        if (upstream.body() == UpstreamResponse.BodyFraming.NONE) {
            int status = upstream.status().code();
            if (status == 204 || status == 205 || status == 304) {
                // Helidon answers a non-zero Content-Length on these with a 500 (a 304 may legally carry the
                // representation's length, which is dropped here) and writes "Content-Length: 0" itself
                client.headers().remove(HeaderNames.CONTENT_LENGTH);
            }
            // a HEAD response keeps the Content-Length a GET would get; send() writes no body for it
            connection.release();
            return send(client, null, 0);
        }
        if (upstream.body() == UpstreamResponse.BodyFraming.CHUNKED && HttpVersions.isHttp1(client)) {
            // said explicitly, Helidon keeps chunked framing even for a body it could send with a length;
            // HTTP/1.1 only, as HTTP/2 forbids the header (see HttpVersions)
            client.headers().set(HeaderValues.TRANSFER_ENCODING_CHUNKED);
        }
        return relayBody(new Body(connection, upstream), client);
    }

    /**
     * When the first read brings the whole of a small body (the upstream wrote it with its headers, as servers do),
     * status, headers and body go to the client in one write. Otherwise each piece is written as it arrives: nothing
     * that arrived is held back waiting for the rest (event streams, long polls, a stalling upstream).
     */
    private static Ending relayBody(Body body, ServerResponse client) {
        byte[] buffer = body.buffer();
        int read;
        try {
            read = body.read(buffer);
        } catch (RuntimeException e) {
            body.end();
            return new Ending.UpstreamFailedBeforeBody(e);
        }
        if (read < 0 || (body.complete() && read <= SEND_WITH_HEADERS)) {
            Ending ending = send(client, buffer, Math.max(read, 0));
            body.end();
            return ending;
        }
        OutputStream out = null;
        while (read >= 0) {
            try {
                if (out == null) {
                    out = client.outputStream();
                    if (read > SEND_WITH_HEADERS && body.framing() != UpstreamResponse.BodyFraming.CHUNKED) {
                        // the headers go alone: Helidon writes them and a first piece through a buffer sized for 256
                        // bytes of headers, which a larger piece fills twice over; later pieces go out uncopied
                        out.write(buffer, 0, 0);
                    }
                }
                out.write(buffer, 0, read);
                out.flush();
            } catch (IOException | RuntimeException e) {
                // unless the body was read whole, what is left is not drained: the connection is closed
                body.end();
                return new Ending.ClientGone(e);
            }
            try {
                read = body.read(buffer);
            } catch (RuntimeException e) {
                body.end();
                return new Ending.UpstreamFailedMidBody(e);
            }
        }
        body.end();
        try {
            out.close();
        } catch (IOException | RuntimeException e) {
            return new Ending.ClientGone(e);
        }
        return COMPLETE;
    }

    private static Ending send(ServerResponse client, byte[] entity, int length) {
        try {
            if (length == 0) {
                client.send();
            } else {
                client.send(entity, 0, length);
            }
        } catch (RuntimeException e) {
            return new Ending.ClientGone(e);
        }
        return COMPLETE;
    }

    /**
     * The body on the connection, read as its framing says: Content-Length bytes, chunks up to the last one (whose
     * trailer fields are read and dropped, as Trailer is not forwarded), or everything up to the connection's end.
     * Bytes the reader holds are taken first; after that each read goes straight from the socket into the
     * connection's relay buffer. Each read may wait for the upstream at most the route's timeout (see
     * {@link UpstreamConnection#awaiting()}).
     */
    private static final class Body {
        private final UpstreamConnection connection;
        private final DataReader reader;
        private final UpstreamResponse.BodyFraming framing;
        /** Bytes left of the body (LENGTH) or of the current chunk (CHUNKED). */
        private long remaining;
        private boolean inChunk;
        private boolean complete;
        private boolean ended;

        Body(UpstreamConnection connection, UpstreamResponse response) {
            this.connection = connection;
            this.reader = connection.reader();
            this.framing = response.body();
            this.remaining = response.length();
        }

        byte[] buffer() {
            return connection.relayBuffer(framing == UpstreamResponse.BodyFraming.LENGTH ? remaining : 0);
        }

        UpstreamResponse.BodyFraming framing() {
            return framing;
        }

        /** Whether the whole body has been read. */
        boolean complete() {
            return complete;
        }

        /** The next piece of the body into {@code buffer} from its start, as soon as some arrived; -1 at its end. */
        int read(byte[] buffer) {
            if (complete) {
                return -1;
            }
            return switch (framing) {
                case LENGTH -> {
                    int read = take(buffer, (int) Math.min(buffer.length, remaining));
                    remaining -= read;
                    complete = remaining == 0;
                    yield read;
                }
                case CHUNKED -> {
                    if (remaining == 0) {
                        if (inChunk) {
                            endOfChunk();
                        }
                        remaining = chunkSize();
                        inChunk = true;
                        if (remaining == 0) {
                            trailerFields();
                            complete = true;
                            yield -1;
                        }
                    }
                    int read = take(buffer, (int) Math.min(buffer.length, remaining));
                    remaining -= read;
                    yield read;
                }
                case UNTIL_CLOSED -> {
                    int read = take(buffer, buffer.length);
                    complete = read < 0;
                    yield read;
                }
                case NONE -> -1;
            };
        }

        /**
         * Up to {@code max} bytes, as soon as some arrived and with all that already did; -1 only at the end of a body
         * that ends with the connection.
         */
        private int take(byte[] buffer, int max) {
            connection.awaiting();
            int read = connection.readBody(buffer, 0, max);
            connection.settle();
            if (read < 0 && framing != UpstreamResponse.BodyFraming.UNTIL_CLOSED) {
                throw new DataReader.InsufficientDataAvailableException();
            }
            return read;
        }

        private long chunkSize() {
            connection.awaiting();
            int end = reader.findNewLine(MAX_CHUNK_LINE);
            connection.settle();
            if (end == MAX_CHUNK_LINE) {
                throw new IllegalStateException("chunk size line too long");
            }
            String line = reader.readAsciiString(end);
            reader.skip(2);
            int extensions = line.indexOf(';');
            String hex = (extensions < 0 ? line : line.substring(0, extensions)).strip();
            if (hex.isEmpty() || hex.length() > 15 || !hex.chars().allMatch(c -> Character.digit(c, 16) >= 0)) {
                throw new IllegalStateException("invalid chunk size");
            }
            return Long.parseLong(hex, 16);
        }

        private void endOfChunk() {
            connection.awaiting();
            boolean crlf = reader.startsWithNewLine();
            connection.settle();
            if (!crlf) {
                throw new IllegalStateException("chunk not followed by CRLF");
            }
            reader.skip(2);
        }

        private void trailerFields() {
            while (true) {
                connection.awaiting();
                int end = reader.findNewLine(UpstreamExchange.MAX_HEADERS_SIZE);
                connection.settle();
                if (end == UpstreamExchange.MAX_HEADERS_SIZE) {
                    throw new IllegalStateException("trailer fields too long");
                }
                reader.skip(end + 2);
                if (end == 0) {
                    return;
                }
            }
        }

        /**
         * Relaying is over: the connection goes back to the pool if the body was read to its end (even when the client
         * went away meanwhile), and is closed otherwise.
         */
        void end() {
            if (ended) {
                return;
            }
            ended = true;
            if (complete) {
                connection.release();
            } else {
                connection.close();
            }
        }
    }
}
