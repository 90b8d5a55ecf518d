package dev.portico.http.tls;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.SequenceInputStream;
import java.net.Socket;
import java.nio.ByteBuffer;
import javax.net.ssl.SSLEngine;
import javax.net.ssl.SSLHandshakeException;

/**
 * Answers a ClientHello that names no server with the fatal {@code unrecognized_name} alert (112) while the listener
 * has no default certificate, just as {@link TlsListener}'s SNI matcher answers a name no certificate covers (and as
 * nginx's {@code ssl_reject_handshake} answers both).
 *
 * <p>The JDK has no hook for this. It consults SNI matchers only when the client sent a server name; without one the
 * key manager finds no certificate and the JDK answers {@code handshake_failure} (40), in TLS 1.3 only after its
 * ServerHello and encrypted. So the first record of each connection is peeked at ({@link ClientHelloPeek}) before the
 * JDK's TLS reads it: a ClientHello without a server name, when no default certificate is installed, is answered here
 * with the alert in a plaintext record, as the JDK itself sends its {@code unrecognized_name}, and the connection is
 * closed; any other connection reaches the JDK with its bytes untouched.
 */
final class NamelessClientRefusal {
    /** A TLS record: alert (21), legacy version 3.3 (RFC 8446 5.1), length 2, fatal (2), unrecognized_name (112). */
    private static final byte[] UNRECOGNIZED_NAME_ALERT = {21, 3, 3, 0, 2, 2, 112};
    private static final System.Logger LOG = System.getLogger(NamelessClientRefusal.class.getName());

    private final SniKeyManager keyManager;

    NamelessClientRefusal(SniKeyManager keyManager) {
        this.keyManager = keyManager;
    }

    /** Whether a connection whose first record reads as {@code peek} is refused with the alert. */
    boolean refuses(ClientHelloPeek peek) {
        boolean refused = peek == ClientHelloPeek.NO_SERVER_NAME
                && !keyManager.current().servesClientsWithoutServerName();
        if (refused && LOG.isLoggable(System.Logger.Level.DEBUG)) {
            LOG.log(System.Logger.Level.DEBUG, "ClientHello without server name and no default certificate:"
                    + " answered unrecognized_name");
        }
        return refused;
    }

    /** The alert record, for an engine to hand out. */
    static byte[] alert() {
        return UNRECOGNIZED_NAME_ALERT.clone();
    }

    /** An engine of the JDK that refuses a nameless ClientHello with the alert before it would see it. */
    SSLEngine guard(SSLEngine engine) {
        return new NamelessClientRefusingEngine(engine, this);
    }

    /**
     * For a server socket layered over {@code socket}: reads the first record from {@code consumed} (bytes already
     * read from the socket, or null) and the socket, and returns all it read as the {@code consumed} stream for the
     * JDK's {@code createSocket(socket, consumed, autoClose)}. A refused ClientHello is answered with the alert instead
     * and ends in {@link SSLHandshakeException}, as the JDK's own refusals do; the caller closes the socket.
     */
    InputStream screen(Socket socket, InputStream consumed) throws IOException {
        InputStream in = consumed == null ? socket.getInputStream()
                : new SequenceInputStream(consumed, socket.getInputStream());
        byte[] header = in.readNBytes(ClientHelloPeek.RECORD_HEADER_LENGTH);
        byte[] record = header;
        // Only a handshake record is read to its end (its header says how long it is); other bytes, such as plain
        // HTTP sent to the HTTPS port, go to the JDK at once.
        if (header.length == ClientHelloPeek.RECORD_HEADER_LENGTH
                && ClientHelloPeek.of(ByteBuffer.wrap(header)) == ClientHelloPeek.INCOMPLETE) {
            byte[] fragment = in.readNBytes(ClientHelloPeek.recordLength(header[3], header[4]));
            record = new byte[header.length + fragment.length];
            System.arraycopy(header, 0, record, 0, header.length);
            System.arraycopy(fragment, 0, record, header.length, fragment.length);
        }
        if (refuses(ClientHelloPeek.of(ByteBuffer.wrap(record)))) {
            OutputStream out = socket.getOutputStream();
            out.write(UNRECOGNIZED_NAME_ALERT);
            out.flush();
            throw refusal();
        }
        InputStream read = new ByteArrayInputStream(record);
        return consumed == null ? read : new SequenceInputStream(read, consumed);
    }

    static SSLHandshakeException refusal() {
        return new SSLHandshakeException("No server name indication, and no default certificate: answered"
                + " unrecognized_name");
    }
}
