package dev.portico.http.client;

import java.net.SocketAddress;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import javax.net.ssl.ExtendedSSLSession;
import javax.net.ssl.SNIHostName;
import javax.net.ssl.SNIServerName;
import javax.net.ssl.SSLSession;
import javax.net.ssl.SSLSocket;

/**
 * The TLS sockets of the proxy's open connections, by the connection's two ends: Helidon hands a connection's
 * handler its addresses but not its TLS session, which the access log reports (version and the name the client asked
 * for). A socket is known from its wrapping ({@link AdmittingSslContext}) until its connection ends; what it says is
 * read once per connection, however many requests (HTTP/2 streams) ask.
 */
public final class TlsSessions {
    /** What the access log says of a TLS connection: its protocol version, and the SNI name (null when none). */
    public record Session(String protocol, String serverName) {
    }

    private record Endpoints(SocketAddress remote, int localPort) {
    }

    /** A connection's socket, and its session once read (the handshake is over by the first request). */
    private static final class Known {
        final SSLSocket socket;
        volatile Session session;

        Known(SSLSocket socket) {
            this.socket = socket;
        }
    }

    private final Map<Endpoints, Known> sockets = new ConcurrentHashMap<>();

    void add(SocketAddress remote, int localPort, SSLSocket socket) {
        sockets.put(new Endpoints(remote, localPort), new Known(socket));
    }

    void remove(SocketAddress remote, int localPort) {
        sockets.remove(new Endpoints(remote, localPort));
    }

    /** The session of the connection between these ends; null when it is not a TLS connection of the proxy's. */
    public Session of(SocketAddress remote, int localPort) {
        Known known = sockets.get(new Endpoints(remote, localPort));
        if (known == null) {
            return null;
        }
        Session session = known.session;
        if (session == null) {
            session = read(known.socket);
            known.session = session;
        }
        return session;
    }

    private static Session read(SSLSocket socket) {
        // the handshake is over: Helidon read the first request after it
        SSLSession session = socket.getSession();
        String serverName = null;
        if (session instanceof ExtendedSSLSession extended) {
            for (SNIServerName name : extended.getRequestedServerNames()) {
                if (name instanceof SNIHostName host) {
                    serverName = host.getAsciiName();
                }
            }
        }
        return new Session(session.getProtocol(), serverName);
    }

    /** How many connections are known: none once they have all ended. */
    public int size() {
        return sockets.size();
    }
}
