package dev.portico.http.tls;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.Socket;
import java.net.SocketException;
import java.nio.ByteBuffer;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.List;
import java.util.Optional;
import javax.net.ssl.SNIHostName;
import javax.net.ssl.SNIServerName;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLEngine;
import javax.net.ssl.SSLParameters;

/**
 * A TLS client at the byte level: it sends one ClientHello, built by a JDK client engine with or without SNI, over a
 * plain socket, and keeps every byte the server answers until it closes. A test then sees exactly which records came
 * back, where a JDK client would only say which alert ended its handshake.
 */
final class RawTlsClient {
    /** The one record a server sends to refuse a name: a fatal (2) {@code unrecognized_name} (112) alert (21). */
    static final String UNRECOGNIZED_NAME_ALERT = "15030300020270";

    private RawTlsClient() {
    }

    /** Everything the server sent, in hex, in answer to a ClientHello offering only {@code protocol}. */
    static String answerTo(SSLContext context, int port, Optional<String> serverName, String protocol)
            throws IOException {
        SSLEngine engine = context.createSSLEngine();
        engine.setUseClientMode(true);
        SSLParameters parameters = engine.getSSLParameters();
        parameters.setServerNames(serverName.<List<SNIServerName>>map(name -> List.of(new SNIHostName(name)))
                .orElse(List.of()));
        parameters.setProtocols(new String[] {protocol});
        engine.setSSLParameters(parameters);
        ByteBuffer hello = ByteBuffer.allocate(engine.getSession().getPacketBufferSize());
        engine.wrap(ByteBuffer.allocate(0), hello);
        return answerTo(port, Arrays.copyOf(hello.array(), hello.position()));
    }

    /** Everything the server sent, in hex, in answer to {@code bytes}; fails if it does not close within 10 s. */
    static String answerTo(int port, byte[] bytes) throws IOException {
        try (Socket socket = new Socket("127.0.0.1", port)) {
            socket.setSoTimeout(10_000);
            socket.getOutputStream().write(bytes);
            socket.getOutputStream().flush();
            return HexFormat.of().formatHex(readUntilClosed(socket.getInputStream()));
        }
    }

    private static byte[] readUntilClosed(InputStream in) throws IOException {
        ByteArrayOutputStream answer = new ByteArrayOutputStream();
        byte[] buffer = new byte[4096];
        try {
            for (int n; (n = in.read(buffer)) >= 0; ) {
                answer.write(buffer, 0, n);
            }
        } catch (SocketException reset) {
            // a reset after the answer still leaves the answer to compare
        }
        return answer.toByteArray();
    }
}
