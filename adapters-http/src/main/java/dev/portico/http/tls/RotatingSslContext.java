package dev.portico.http.tls;

import java.io.IOException;
import java.io.InputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.security.GeneralSecurityException;
import java.security.KeyManagementException;
import java.security.SecureRandom;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Supplier;
import javax.net.ssl.KeyManager;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLContextSpi;
import javax.net.ssl.SSLEngine;
import javax.net.ssl.SSLParameters;
import javax.net.ssl.SSLServerSocket;
import javax.net.ssl.SSLServerSocketFactory;
import javax.net.ssl.SSLSessionContext;
import javax.net.ssl.SSLSocket;
import javax.net.ssl.SSLSocketFactory;
import javax.net.ssl.TrustManager;

/**
 * A server {@link SSLContext} that does three things a plain JDK context cannot do for Portico.
 *
 * <p>It applies the listener's {@link SSLParameters} (protocols, cipher suites, the SNI matcher) to every socket and
 * engine it creates. Helidon 4.5 applies {@code Tls.sslParameters()} to its NIO engines (the default) but, with
 * {@code useNio(false)}, creates its {@code SSLSocket} straight from {@code tls.sslContext().getSocketFactory()} and
 * never applies them: parameters given to Helidon alone would be silently ignored there.
 *
 * <p>It starts a fresh JDK context, with an empty session cache and new session-ticket keys, whenever the
 * certificates in {@link SniKeyManager} change. A resumed TLS session skips the certificate, so with one context for
 * ever a client could keep resuming a session made with the old certificate for up to a day after a rotation. Open
 * connections keep the context they were made with and are not touched.
 *
 * <p>It answers a client that sends no server name with the {@code unrecognized_name} alert while there is no default
 * certificate ({@link NamelessClientRefusal}), on engines and on sockets layered over accepted connections alike.
 */
final class RotatingSslContext extends SSLContext {

    private RotatingSslContext(Spi spi) {
        super(spi, spi.current().getProvider(), "TLS");
    }

    static RotatingSslContext create(SniKeyManager keyManager, Supplier<SSLParameters> parameters) {
        return new RotatingSslContext(new Spi(keyManager, parameters));
    }

    /** A JDK context serving from {@code keyManager}; no trust managers, as the listener asks no client certificates. */
    static SSLContext jdkContext(KeyManager keyManager) {
        try {
            SSLContext context = SSLContext.getInstance("TLS");
            // An empty (not null) trust manager array: null would make the JDK load the whole cacerts per context.
            context.init(new KeyManager[] {keyManager}, new TrustManager[0], null);
            return context;
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("the JDK's TLS provider cannot be initialised", e);
        }
    }

    private record Generation(ServedCertificates certificates, SSLContext context) {
    }

    private static final class Spi extends SSLContextSpi {
        private final SniKeyManager keyManager;
        private final Supplier<SSLParameters> parameters;
        private final NamelessClientRefusal namelessClients;
        private final AtomicReference<Generation> generation;

        Spi(SniKeyManager keyManager, Supplier<SSLParameters> parameters) {
            this.keyManager = keyManager;
            this.parameters = parameters;
            this.namelessClients = new NamelessClientRefusal(keyManager);
            this.generation = new AtomicReference<>(new Generation(keyManager.current(), jdkContext(keyManager)));
        }

        /** The context for the certificates in service now; a new one right after they changed. */
        SSLContext current() {
            ServedCertificates now = keyManager.current();
            return generation.updateAndGet(known -> known.certificates() == now
                    ? known
                    : new Generation(now, jdkContext(keyManager))).context();
        }

        @Override
        protected void engineInit(KeyManager[] km, TrustManager[] tm, SecureRandom sr) throws KeyManagementException {
            throw new KeyManagementException("initialised from its SniKeyManager when created");
        }

        @Override
        protected SSLSocketFactory engineGetSocketFactory() {
            return new SocketFactory();
        }

        @Override
        protected SSLServerSocketFactory engineGetServerSocketFactory() {
            return new ServerSocketFactory();
        }

        @Override
        protected SSLEngine engineCreateSSLEngine() {
            return namelessClients.guard(configured(current().createSSLEngine()));
        }

        @Override
        protected SSLEngine engineCreateSSLEngine(String host, int port) {
            return namelessClients.guard(configured(current().createSSLEngine(host, port)));
        }

        @Override
        protected SSLSessionContext engineGetServerSessionContext() {
            return current().getServerSessionContext();
        }

        @Override
        protected SSLSessionContext engineGetClientSessionContext() {
            return current().getClientSessionContext();
        }

        @Override
        protected SSLParameters engineGetDefaultSSLParameters() {
            return parameters.get();
        }

        @Override
        protected SSLParameters engineGetSupportedSSLParameters() {
            return current().getSupportedSSLParameters();
        }

        private SSLEngine configured(SSLEngine engine) {
            engine.setSSLParameters(parameters.get());
            return engine;
        }

        private Socket configured(Socket socket) {
            ((SSLSocket) socket).setSSLParameters(parameters.get());
            return socket;
        }

        private ServerSocket configured(ServerSocket socket) {
            ((SSLServerSocket) socket).setSSLParameters(parameters.get());
            return socket;
        }

        private final class SocketFactory extends SSLSocketFactory {
            @Override
            public String[] getDefaultCipherSuites() {
                return parameters.get().getCipherSuites();
            }

            @Override
            public String[] getSupportedCipherSuites() {
                return current().getSocketFactory().getSupportedCipherSuites();
            }

            /** The one Helidon uses: wraps an accepted connection as the server side of a handshake. */
            @Override
            public Socket createSocket(Socket socket, InputStream consumed, boolean autoClose) throws IOException {
                InputStream firstRecord = namelessClients.screen(socket, consumed);
                return configured(current().getSocketFactory().createSocket(socket, firstRecord, autoClose));
            }

            @Override
            public Socket createSocket(Socket socket, String host, int port, boolean autoClose) throws IOException {
                return configured(current().getSocketFactory().createSocket(socket, host, port, autoClose));
            }

            @Override
            public Socket createSocket() throws IOException {
                return configured(current().getSocketFactory().createSocket());
            }

            @Override
            public Socket createSocket(String host, int port) throws IOException {
                return configured(current().getSocketFactory().createSocket(host, port));
            }

            @Override
            public Socket createSocket(String host, int port, InetAddress localHost, int localPort) throws IOException {
                return configured(current().getSocketFactory().createSocket(host, port, localHost, localPort));
            }

            @Override
            public Socket createSocket(InetAddress host, int port) throws IOException {
                return configured(current().getSocketFactory().createSocket(host, port));
            }

            @Override
            public Socket createSocket(InetAddress address, int port, InetAddress localAddress, int localPort)
                    throws IOException {
                return configured(current().getSocketFactory().createSocket(address, port, localAddress, localPort));
            }
        }

        /** Server sockets keep the generation they were made in; Helidon never asks for one (it accepts on channels). */
        private final class ServerSocketFactory extends SSLServerSocketFactory {
            @Override
            public String[] getDefaultCipherSuites() {
                return parameters.get().getCipherSuites();
            }

            @Override
            public String[] getSupportedCipherSuites() {
                return current().getServerSocketFactory().getSupportedCipherSuites();
            }

            @Override
            public ServerSocket createServerSocket() throws IOException {
                return configured(current().getServerSocketFactory().createServerSocket());
            }

            @Override
            public ServerSocket createServerSocket(int port) throws IOException {
                return configured(current().getServerSocketFactory().createServerSocket(port));
            }

            @Override
            public ServerSocket createServerSocket(int port, int backlog) throws IOException {
                return configured(current().getServerSocketFactory().createServerSocket(port, backlog));
            }

            @Override
            public ServerSocket createServerSocket(int port, int backlog, InetAddress address) throws IOException {
                return configured(current().getServerSocketFactory().createServerSocket(port, backlog, address));
            }
        }
    }
}
