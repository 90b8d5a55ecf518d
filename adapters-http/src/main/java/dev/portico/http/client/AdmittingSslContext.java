package dev.portico.http.client;

import java.io.IOException;
import java.io.InputStream;
import java.net.InetAddress;
import java.net.Socket;
import java.net.SocketException;
import java.security.KeyManagementException;
import java.security.SecureRandom;
import javax.net.ssl.KeyManager;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLContextSpi;
import javax.net.ssl.SSLEngine;
import javax.net.ssl.SSLParameters;
import javax.net.ssl.SSLServerSocketFactory;
import javax.net.ssl.SSLSessionContext;
import javax.net.ssl.SSLSocket;
import javax.net.ssl.SSLSocketFactory;
import javax.net.ssl.TrustManager;

/**
 * An HTTPS listener's TLS context with a say over each accepted connection before its handshake: Helidon wraps every
 * accepted socket through {@code sslContext().getSocketFactory()}, the one moment Portico sees the raw socket of a TLS
 * connection, which it needs to count the connection and to close it if the handshake stalls
 * ({@link ClientConnections#admit}). Everything else is the listener's own context, asked anew each time (it rotates
 * its certificates).
 */
public final class AdmittingSslContext extends SSLContext {
    /** Who decides on each accepted connection, and learns its TLS socket. */
    public interface Admission {
        /** False refuses the connection: it is closed before its handshake. */
        boolean admit(Socket raw);

        /** The TLS socket that wraps an admitted connection. */
        void wrapped(Socket raw, SSLSocket tls);
    }

    public AdmittingSslContext(SSLContext inner, Admission admit) {
        super(new Spi(inner, admit), inner.getProvider(), inner.getProtocol());
    }

    private static final class Spi extends SSLContextSpi {
        private final SSLContext inner;
        private final Admission admit;

        public Spi(SSLContext inner, Admission admit) {
            this.inner = inner;
            this.admit = admit;
        }

        @Override
        protected void engineInit(KeyManager[] km, TrustManager[] tm, SecureRandom sr) throws KeyManagementException {
            throw new KeyManagementException("initialised by the context it wraps");
        }

        @Override
        protected SSLSocketFactory engineGetSocketFactory() {
            return new Admitting();
        }

        @Override
        protected SSLServerSocketFactory engineGetServerSocketFactory() {
            return inner.getServerSocketFactory();
        }

        @Override
        protected SSLEngine engineCreateSSLEngine() {
            return inner.createSSLEngine();
        }

        @Override
        protected SSLEngine engineCreateSSLEngine(String host, int port) {
            return inner.createSSLEngine(host, port);
        }

        @Override
        protected SSLSessionContext engineGetServerSessionContext() {
            return inner.getServerSessionContext();
        }

        @Override
        protected SSLSessionContext engineGetClientSessionContext() {
            return inner.getClientSessionContext();
        }

        @Override
        protected SSLParameters engineGetDefaultSSLParameters() {
            return inner.getDefaultSSLParameters();
        }

        @Override
        protected SSLParameters engineGetSupportedSSLParameters() {
            return inner.getSupportedSSLParameters();
        }

        private Socket wrapped(Socket raw, Socket tls) {
            if (tls instanceof SSLSocket ssl) {
                admit.wrapped(raw, ssl);
            }
            return tls;
        }

        /** Admits accepted sockets before wrapping them; every other use goes to the listener's own factory. */
        private final class Admitting extends SSLSocketFactory {
            @Override
            public String[] getDefaultCipherSuites() {
                return inner.getSocketFactory().getDefaultCipherSuites();
            }

            @Override
            public String[] getSupportedCipherSuites() {
                return inner.getSocketFactory().getSupportedCipherSuites();
            }

            /** The one Helidon uses: the server side of a handshake on an accepted connection. */
            @Override
            public Socket createSocket(Socket socket, String host, int port, boolean autoClose) throws IOException {
                if (!admit.admit(socket)) {
                    throw new SocketException("the listener has as many connections as it may keep");
                }
                return wrapped(socket, inner.getSocketFactory().createSocket(socket, host, port, autoClose));
            }

            @Override
            public Socket createSocket(Socket socket, InputStream consumed, boolean autoClose) throws IOException {
                if (!admit.admit(socket)) {
                    throw new SocketException("the listener has as many connections as it may keep");
                }
                return wrapped(socket, inner.getSocketFactory().createSocket(socket, consumed, autoClose));
            }

            @Override
            public Socket createSocket(String host, int port) throws IOException {
                return inner.getSocketFactory().createSocket(host, port);
            }

            @Override
            public Socket createSocket(String host, int port, InetAddress localHost, int localPort)
                    throws IOException {
                return inner.getSocketFactory().createSocket(host, port, localHost, localPort);
            }

            @Override
            public Socket createSocket(InetAddress host, int port) throws IOException {
                return inner.getSocketFactory().createSocket(host, port);
            }

            @Override
            public Socket createSocket(InetAddress address, int port, InetAddress localAddress, int localPort)
                    throws IOException {
                return inner.getSocketFactory().createSocket(address, port, localAddress, localPort);
            }
        }
    }
}
