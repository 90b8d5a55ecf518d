package dev.portico.http.tls;

import java.nio.ByteBuffer;

/**
 * What the first TLS record of a connection says about the server name, read before the JDK's TLS sees it and
 * without consuming it. Only the first record is read: a ClientHello split over several records (legal, but none of
 * today's clients sends one under 16 KiB) is {@link #OTHER}, left to the JDK like anything that is not a ClientHello.
 */
enum ClientHelloPeek {
    /** Not even the first record is all there yet: read more. */
    INCOMPLETE,
    /** A ClientHello with a {@code server_name} extension: the listener's SNI matcher decides. */
    SERVER_NAME,
    /** A ClientHello without a {@code server_name} extension. */
    NO_SERVER_NAME,
    /** Not TLS, not a ClientHello, malformed or split: the JDK answers it as it would anyway. */
    OTHER;

    /** Content type, legacy version, length. */
    static final int RECORD_HEADER_LENGTH = 5;
    /** RFC 8446 5.1: a plaintext record carries at most 2^14 bytes; TLS 1.2 allows 2,048 more for compression. */
    static final int MAX_RECORD_LENGTH = (1 << 14) + 2048;

    private static final int HANDSHAKE = 22;
    private static final int CLIENT_HELLO = 1;
    private static final int SERVER_NAME_EXTENSION = 0;

    /** Peeks at {@code bytes} from its position to its limit; the buffer is left as it was. */
    static ClientHelloPeek of(ByteBuffer bytes) {
        int start = bytes.position();
        int available = bytes.remaining();
        if (available == 0) {
            return INCOMPLETE;
        }
        if (bytes.get(start) != HANDSHAKE) {
            return OTHER;
        }
        if (available < RECORD_HEADER_LENGTH) {
            return INCOMPLETE;
        }
        int length = recordLength(bytes.get(start + 3), bytes.get(start + 4));
        if (length > MAX_RECORD_LENGTH) {
            return OTHER;
        }
        if (available < RECORD_HEADER_LENGTH + length) {
            return INCOMPLETE;
        }
        return clientHello(new Reader(bytes.slice(start + RECORD_HEADER_LENGTH, length)));
    }

    /** The length of a record's fragment from the last two bytes of its header. */
    static int recordLength(byte high, byte low) {
        return (high & 0xff) << 8 | low & 0xff;
    }

    /** RFC 8446 4.1.2 (TLS 1.2's ClientHello has the same layout, its extensions optional). */
    private static ClientHelloPeek clientHello(Reader record) {
        if (record.u8() != CLIENT_HELLO) {
            return OTHER;
        }
        Reader body = record.take(record.u24());
        if (body == null
                || !body.skip(2 + 32)          // legacy_version, random
                || !body.skip(body.u8())       // legacy_session_id
                || !body.skip(body.u16())      // cipher_suites
                || !body.skip(body.u8())) {    // legacy_compression_methods
            return OTHER;
        }
        if (body.remaining() == 0) {
            return NO_SERVER_NAME;             // no extensions at all
        }
        Reader extensions = body.take(body.u16());
        if (extensions == null) {
            return OTHER;
        }
        while (extensions.remaining() > 0) {
            int type = extensions.u16();
            if (type < 0 || !extensions.skip(extensions.u16())) {
                return OTHER;
            }
            if (type == SERVER_NAME_EXTENSION) {
                return SERVER_NAME;
            }
        }
        return NO_SERVER_NAME;
    }

    /** Big-endian fields of a bounded buffer; a field past the end reads as -1 and every later read fails too. */
    private static final class Reader {
        private final ByteBuffer bytes;
        private boolean broken;

        Reader(ByteBuffer bytes) {
            this.bytes = bytes;
        }

        int remaining() {
            return broken ? -1 : bytes.remaining();
        }

        int u8() {
            return read(1);
        }

        int u16() {
            return read(2);
        }

        int u24() {
            return read(3);
        }

        /** Skips {@code count} bytes; false when there are fewer (or a length before it was missing). */
        boolean skip(int count) {
            if (broken || count < 0 || count > bytes.remaining()) {
                broken = true;
                return false;
            }
            bytes.position(bytes.position() + count);
            return true;
        }

        /** The next {@code count} bytes as a reader of their own, or null when there are fewer. */
        Reader take(int count) {
            int start = bytes.position();
            return skip(count) ? new Reader(bytes.slice(start, count)) : null;
        }

        private int read(int size) {
            if (broken || bytes.remaining() < size) {
                broken = true;
                return -1;
            }
            int value = 0;
            for (int i = 0; i < size; i++) {
                value = value << 8 | bytes.get() & 0xff;
            }
            return value;
        }
    }
}
