package dev.portico.http.tls;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.security.cert.X509Certificate;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.function.Consumer;
import javax.net.ssl.SNIHostName;
import javax.net.ssl.SNIServerName;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLParameters;
import javax.net.ssl.SSLPeerUnverifiedException;
import javax.net.ssl.SSLSocket;

/**
 * A JDK TLS client on a plain {@link SSLSocket}: it sends the SNI name it is given while connecting to 127.0.0.1,
 * verifies the chain against the test root and the certificate's names against that SNI name (as a browser
 * would against the URL's host), and speaks just enough HTTP/1.1 to make requests on the connection.
 */
final class TlsClient {
    private TlsClient() {
    }

    static SSLSocket connect(SSLContext context, int port, Optional<String> serverName) throws IOException {
        return connect(context, port, serverName, parameters -> { });
    }

    static SSLSocket connect(SSLContext context, int port, Optional<String> serverName,
                             Consumer<SSLParameters> adjust) throws IOException {
        SSLSocket socket = (SSLSocket) context.getSocketFactory().createSocket("127.0.0.1", port);
        try {
            socket.setSoTimeout(10_000);
            socket.setTcpNoDelay(true);  // as browsers do: no Nagle delay on each small TLS record
            SSLParameters parameters = socket.getSSLParameters();
            parameters.setServerNames(serverName.<List<SNIServerName>>map(name -> List.of(new SNIHostName(name)))
                    .orElse(List.of()));
            // Without SNI there is no name to check the certificate against (the address is 127.0.0.1).
            parameters.setEndpointIdentificationAlgorithm(serverName.isPresent() ? "HTTPS" : null);
            adjust.accept(parameters);
            socket.setSSLParameters(parameters);
            socket.startHandshake();
            return socket;
        } catch (IOException | RuntimeException e) {
            socket.close();
            throw e;
        }
    }

    static X509Certificate peerCertificate(SSLSocket socket) throws SSLPeerUnverifiedException {
        return (X509Certificate) socket.getSession().getPeerCertificates()[0];
    }

    static BigInteger peerSerial(SSLSocket socket) throws SSLPeerUnverifiedException {
        return peerCertificate(socket).getSerialNumber();
    }

    /** A fresh connection's certificate serial: connect, handshake, close. */
    static BigInteger serialFor(SSLContext context, int port, String serverName) throws IOException {
        try (SSLSocket socket = connect(context, port, Optional.of(serverName))) {
            return peerSerial(socket);
        }
    }

    /** GET / on an open connection, keeping it open; "status body", e.g. "200 hello". */
    static String get(SSLSocket socket, String host) throws IOException {
        OutputStream out = socket.getOutputStream();
        out.write(("GET / HTTP/1.1\r\nHost: " + host + "\r\n\r\n").getBytes(StandardCharsets.US_ASCII));
        out.flush();
        InputStream in = socket.getInputStream();
        String head = readHead(in);
        String status = head.substring(head.indexOf(' ') + 1, head.indexOf(' ') + 4);
        int length = head.lines()
                .filter(line -> line.toLowerCase(Locale.ROOT).startsWith("content-length:"))
                .map(line -> Integer.parseInt(line.substring(line.indexOf(':') + 1).trim()))
                .findFirst()
                .orElseThrow(() -> new IOException("no Content-Length in " + head));
        return status + " " + new String(in.readNBytes(length), StandardCharsets.UTF_8);
    }

    private static String readHead(InputStream in) throws IOException {
        ByteArrayOutputStream head = new ByteArrayOutputStream();
        int matched = 0;
        byte[] end = {'\r', '\n', '\r', '\n'};
        while (matched < end.length) {
            int next = in.read();
            if (next < 0) {
                throw new IOException("connection closed inside the response head: " + head);
            }
            head.write(next);
            matched = next == end[matched] ? matched + 1 : (next == '\r' ? 1 : 0);
        }
        return head.toString(StandardCharsets.US_ASCII);
    }
}
