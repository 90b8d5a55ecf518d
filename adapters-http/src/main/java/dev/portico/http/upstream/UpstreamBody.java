package dev.portico.http.upstream;

import dev.portico.http.wire.ResponseHead;

import java.io.EOFException;
import java.io.UncheckedIOException;

/**
 * The body on the connection, read as its framing says: Content-Length bytes, chunks up to the last one (whose
 * trailer fields are read and dropped, as Trailer is not forwarded), or everything up to the connection's end.
 * Each piece is read into the connection's buffer; each read may wait for the upstream at most the route's timeout
 * (see {@link UpstreamConnection#awaiting()}).
 */
public final class UpstreamBody {
    /** Longest chunk-size line (size and extensions) accepted in a chunked body. */
    private static final int MAX_CHUNK_LINE = 1024;

    private static final byte[] CRLF_LAST_CHUNK = {'\r', '\n', '0', '\r', '\n', '\r', '\n'};

    private final UpstreamConnection connection;
    private final UpstreamResponse.BodyFraming framing;
    /** Bytes left of the body (LENGTH) or of the current chunk (CHUNKED). */
    private long remaining;
    private boolean inChunk;
    private boolean complete;
    private boolean roomAfter;
    private boolean ended;

    public UpstreamBody(UpstreamConnection connection, UpstreamResponse response) {
        this.connection = connection;
        this.framing = response.body();
        this.remaining = response.length();
        if (framing == UpstreamResponse.BodyFraming.LENGTH) {
            connection.relayBuffer(remaining);
        }
    }

    /** Whether the whole body has been read. */
    public boolean complete() {
        return complete;
    }

    /**
     * Whether the bytes that follow the last piece in the buffer, as many as a chunk's end and the last chunk take,
     * are free: read already (the upstream's own chunk end) or never read into.
     */
    public boolean roomAfter() {
        return roomAfter;
    }

    /**
     * The next piece of the body, at {@link UpstreamConnection#pieceStart()} in the connection's buffer, as soon as
     * some arrived and with all that already did; -1 at its end.
     */
    public int next() {
        return switch (framing) {
            case NONE -> {
                complete = true;
                yield -1;
            }
            case LENGTH -> {
                int read = take(remaining);
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
                int read = take(remaining);
                remaining -= read;
                roomAfter = remaining > 0 || chunkEnded();
                yield read;
            }
            case UNTIL_CLOSED -> {
                // everything buffered is taken: nothing follows the piece
                roomAfter = true;
                int read = take(Long.MAX_VALUE);
                complete = read < 0;
                yield read;
            }
        };
    }

    /**
     * Up to {@code max} bytes, as soon as some arrived and with all that already did; -1 only at the end of a body
     * that ends with the connection.
     */
    private int take(long max) {
        connection.awaiting();
        int read = connection.piece(max);
        connection.settle();
        if (read < 0 && framing != UpstreamResponse.BodyFraming.UNTIL_CLOSED) {
            throw new UncheckedIOException(new EOFException("the upstream closed the connection before the end"
                    + " of the body"));
        }
        return read;
    }

    /**
     * A chunk was read to its end: its CRLF is consumed now if it has arrived (and the last chunk with it, when that
     * followed at once with no extensions or trailer fields, as it does at the end of most small chunked bodies,
     * which then leave with their last piece). Returns whether the bytes after the chunk are free.
     */
    private boolean chunkEnded() {
        int buffered = connection.buffered();
        if (buffered == 0) {
            return true;
        }
        if (buffered == 1) {
            // reading the rest could move the piece: leave the CRLF for the next call
            return false;
        }
        complete = lastChunkFollows();
        if (!complete) {
            endOfChunk();
            inChunk = false;
        }
        return true;
    }

    private boolean lastChunkFollows() {
        if (connection.buffered() < CRLF_LAST_CHUNK.length) {
            return false;
        }
        byte[] buffer = connection.buffer();
        int at = connection.position();
        for (int i = 0; i < CRLF_LAST_CHUNK.length; i++) {
            if (buffer[at + i] != CRLF_LAST_CHUNK[i]) {
                return false;
            }
        }
        connection.skip(CRLF_LAST_CHUNK.length);
        return true;
    }

    private long chunkSize() {
        connection.awaiting();
        int length = connection.lineLength(MAX_CHUNK_LINE);
        connection.settle();
        if (length == MAX_CHUNK_LINE) {
            throw new IllegalStateException("chunk size line too long");
        }
        byte[] buffer = connection.buffer();
        int start = connection.position();
        int end = start + length;
        for (int i = start; i < end; i++) {
            if (buffer[i] == ';') {
                end = i;
                break;
            }
        }
        while (start < end && (buffer[start] == ' ' || buffer[start] == '\t')) {
            start++;
        }
        while (end > start && (buffer[end - 1] == ' ' || buffer[end - 1] == '\t')) {
            end--;
        }
        if (start == end || end - start > 15) {
            throw new IllegalStateException("invalid chunk size");
        }
        long size = 0;
        for (int i = start; i < end; i++) {
            int digit = Character.digit(buffer[i], 16);
            if (digit < 0) {
                throw new IllegalStateException("invalid chunk size");
            }
            size = size * 16 + digit;
        }
        connection.skip(length + 2);
        return size;
    }

    private void endOfChunk() {
        connection.awaiting();
        connection.require(2);
        connection.settle();
        byte[] buffer = connection.buffer();
        int at = connection.position();
        if (buffer[at] != '\r' || buffer[at + 1] != '\n') {
            throw new IllegalStateException("chunk not followed by CRLF");
        }
        connection.skip(2);
    }

    private void trailerFields() {
        while (true) {
            connection.awaiting();
            int length = connection.lineLength(ResponseHead.MAX_HEADERS_SIZE);
            connection.settle();
            if (length == ResponseHead.MAX_HEADERS_SIZE) {
                throw new IllegalStateException("trailer fields too long");
            }
            connection.skip(length + 2);
            if (length == 0) {
                return;
            }
        }
    }

    /**
     * Relaying is over: the connection goes back to the pool if the body was read to its end (even when the client
     * went away meanwhile), and is closed otherwise.
     */
    public void end() {
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
