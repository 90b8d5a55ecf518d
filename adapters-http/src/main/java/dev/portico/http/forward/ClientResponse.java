package dev.portico.http.forward;

import java.io.IOException;

/** Where an upstream's response goes, piece by piece: the client's connection, as HTTP/1.x or through Helidon. */
public interface ClientResponse {
    /** Puts the status and headers together, while the upstream's head is still in the buffer. */
    void prepare();

    /**
     * The status, the headers and the body's first piece; the whole body when {@code last}.
     *
     * @param roomAfter whether the bytes after the piece in the buffer, up to the length of a last chunk, are free
     */
    void begin(byte[] buffer, int offset, int length, boolean last, boolean roomAfter) throws IOException;

    /** The body's next piece, its last when {@code last}. */
    void piece(byte[] buffer, int offset, int length, boolean last, boolean roomAfter) throws IOException;

    /** The body ended after a piece that was not known to be the last. */
    void end() throws IOException;
}
