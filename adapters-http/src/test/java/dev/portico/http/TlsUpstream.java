package dev.portico.http;

import dev.portico.http.tls.TestPki;

import java.io.BufferedInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.security.KeyStore;
import java.security.cert.Certificate;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import javax.net.ssl.ExtendedSSLSession;
import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SNIHostName;
import javax.net.ssl.SNIServerName;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLServerSocket;
import javax.net.ssl.SSLSocket;

/**
 * An HTTPS upstream on 127.0.0.1 and an ephemeral port, serving one certificate. It answers every request with 200
 * and the server name the client sent (SNI), and records that name for each handshake that completed.
 */
final class TlsUpstream implements AutoCloseable {
    private static final char[] PASSWORD = "portico-test".toCharArray();

    private final SSLServerSocket server;
    private final BlockingQueue<String> serverNames = new LinkedBlockingQueue<>();

    private TlsUpstream(SSLServerSocket server) {
        this.server = server;
        Thread.ofVirtual().name("tls-upstream-accept").start(this::acceptLoop);
    }

    static TlsUpstream serving(TestPki.Leaf leaf) throws Exception {
        KeyStore keys = KeyStore.getInstance("PKCS12");
        keys.load(null, null);
        keys.setKeyEntry("leaf", leaf.keys().getPrivate(), PASSWORD,
                new Certificate[]{leaf.certificate(), leaf.intermediate()});
        KeyManagerFactory factory = KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
        factory.init(keys, PASSWORD);
        SSLContext context = SSLContext.getInstance("TLS");
        context.init(factory.getKeyManagers(), null, null);
        SSLServerSocket server = (SSLServerSocket) context.getServerSocketFactory()
                .createServerSocket(0, 50, InetAddress.getLoopbackAddress());
        return new TlsUpstream(server);
    }

    int port() {
        return server.getLocalPort();
    }

    /** The name sent by SNI in the next completed handshake ("" for none), waiting up to ten seconds for it. */
    String takeServerName() throws InterruptedException {
        String name = serverNames.poll(10, TimeUnit.SECONDS);
        if (name == null) {
            throw new AssertionError("no TLS handshake with the upstream completed");
        }
        return name;
    }

    /** How many handshakes completed and were not yet taken. */
    int handshakes() {
        return serverNames.size();
    }

    private void acceptLoop() {
        while (!server.isClosed()) {
            try {
                Socket socket = server.accept();
                Thread.ofVirtual().name("tls-upstream").start(() -> serve((SSLSocket) socket));
            } catch (IOException e) {
                return;
            }
        }
    }

    private void serve(SSLSocket socket) {
        try (socket) {
            socket.setSoTimeout(20_000);
            socket.startHandshake();
            List<SNIServerName> requested = ((ExtendedSSLSession) socket.getSession()).getRequestedServerNames();
            String name = requested.isEmpty() ? "" : ((SNIHostName) requested.getFirst()).getAsciiName();
            serverNames.add(name);
            InputStream in = new BufferedInputStream(socket.getInputStream());
            OutputStream out = socket.getOutputStream();
            while (RawUpstream.readLine(in) != null) {
                String line;
                while ((line = RawUpstream.readLine(in)) != null && !line.isEmpty()) {
                    // headers are not needed: the answer is the same for every request
                }
                byte[] body = ("sni=" + name).getBytes(StandardCharsets.US_ASCII);
                out.write(("HTTP/1.1 200 OK\r\nContent-Length: " + body.length + "\r\n\r\n")
                        .getBytes(StandardCharsets.US_ASCII));
                out.write(body);
                out.flush();
            }
        } catch (IOException e) {
            // the client refused the certificate or went away: nothing to answer
        }
    }

    @Override
    public void close() throws IOException {
        server.close();
    }
}
