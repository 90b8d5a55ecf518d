package dev.portico.http.upstream;

import dev.portico.domain.model.Target;
import dev.portico.domain.model.UpstreamTls;
import dev.portico.http.wire.IpLiteral;

import io.helidon.common.tls.Tls;

import java.net.InetSocketAddress;
import java.net.Socket;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import javax.net.ssl.SNIHostName;
import javax.net.ssl.SSLParameters;
import javax.net.ssl.SSLSocket;

/**
 * The TLS client side of connections to https targets: one context per trust setting, built when first needed and
 * kept, so a connection costs a handshake and never a context. A changed setting is a different key (the
 * upstream's targets carry it), so it gets a new context at once; connections made under the old one are no longer
 * reused, as the pool keys them by target. Every context verifies the host name; SNI always names the target's host.
 */
public final class UpstreamTrust {
    /** More distinct bundles than any configuration has: beyond this the cache starts over rather than grow. */
    public static final int MAX_CONTEXTS = 256;

    /** The JDK's trusted CAs, host name verification (Helidon's default endpoint identification is HTTPS). */
    private final Tls jdkTrust = Tls.builder().build();
    private final Map<UpstreamTls, Tls> bundles = new ConcurrentHashMap<>();

    /** Wraps a connected socket to the target in TLS, ready for the handshake. */
    public SSLSocket createSocket(Target target, List<String> protocols, Socket socket, InetSocketAddress address) {
        String host = target.host().startsWith("[") ? target.host().substring(1, target.host().length() - 1)
                : target.host();
        // The certificate is checked against the name the TLS socket is given, which Helidon takes from
        // getHostName(): for an address resolved from an IP literal that is a reverse DNS lookup, on every
        // connection, and a certificate for whatever name the PTR record gives would pass. The target's own host, as
        // configured, is the name to verify.
        InetSocketAddress peer = InetSocketAddress.createUnresolved(host, address.getPort());
        SSLSocket tls = tlsFor(target.tls()).createSocket(protocols, socket, peer);
        sendServerName(tls, host);
        return tls;
    }

    public Tls tlsFor(UpstreamTls trust) {
        if (trust.usesJdkTrust()) {
            return jdkTrust;
        }
        Tls tls = bundles.get(trust);
        if (tls == null) {
            if (bundles.size() >= MAX_CONTEXTS) {
                // settings that changed many times leave old keys behind; dropping all costs one rebuild each
                bundles.clear();
            }
            tls = bundles.computeIfAbsent(trust, UpstreamTrust::build);
        }
        return tls;
    }

    /** How many bundle contexts are held. */
    public int cachedContexts() {
        return bundles.size();
    }

    private static Tls build(UpstreamTls trust) {
        // trust() replaces the JDK's CAs with the bundle's, as nginx's proxy_ssl_trusted_certificate does
        return Tls.builder().trust(trust.caCertificates()).build();
    }

    /**
     * The JDK sends SNI only for names with a dot, so an upstream called {@code backend} (a container name) would get
     * none, and a server with several certificates would pick the wrong one. IP literals never carry SNI (RFC 6066, 3).
     */
    private static void sendServerName(SSLSocket socket, String host) {
        if (IpLiteral.parse(host) != null) {
            return;
        }
        SNIHostName name;
        try {
            name = new SNIHostName(host);
        } catch (IllegalArgumentException e) {
            return;
        }
        SSLParameters parameters = socket.getSSLParameters();
        parameters.setServerNames(List.of(name));
        socket.setSSLParameters(parameters);
    }
}
