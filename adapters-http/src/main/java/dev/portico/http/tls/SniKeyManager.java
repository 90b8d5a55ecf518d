package dev.portico.http.tls;

import java.net.Socket;
import java.security.Principal;
import java.security.PrivateKey;
import java.security.cert.X509Certificate;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicReference;
import javax.net.ssl.ExtendedSSLSession;
import javax.net.ssl.SNIHostName;
import javax.net.ssl.SNIServerName;
import javax.net.ssl.SSLEngine;
import javax.net.ssl.SSLSession;
import javax.net.ssl.SSLSocket;
import javax.net.ssl.StandardConstants;
import javax.net.ssl.X509ExtendedKeyManager;

/**
 * Chooses the server certificate per handshake from the SNI name the client sent, by the rules of
 * {@link ServedCertificates}. The certificates live in one immutable snapshot replaced atomically by
 * {@link #install}: a rotation never touches an open connection (its keys were negotiated long ago) and the very
 * next handshake sees the new certificate. Server side only.
 *
 * <p>When nothing matches, the alias is {@code null} and the JDK fails the handshake ({@code handshake_failure});
 * {@link TlsListener} adds an SNI matcher so that an unknown name is answered with the {@code unrecognized_name} alert
 * before that point, and {@link NamelessClientRefusal} answers a client without SNI the same way when there is no
 * default certificate. What still reaches this point is a known name without a certificate of a key type the client
 * accepts.
 */
public final class SniKeyManager extends X509ExtendedKeyManager {
    private static final System.Logger LOG = System.getLogger(SniKeyManager.class.getName());

    private final AtomicReference<ServedCertificates> current = new AtomicReference<>(ServedCertificates.none());

    /** The certificates handshakes choose from right now. */
    public ServedCertificates current() {
        return current.get();
    }

    /** Makes {@code certificates} the ones every later handshake chooses from. */
    public void install(ServedCertificates certificates) {
        Objects.requireNonNull(certificates, "certificates");
        current.getAndUpdate(certificates::succeeding);
    }

    @Override
    public String chooseServerAlias(String keyType, Principal[] issuers, Socket socket) {
        SSLSession handshake = socket instanceof SSLSocket tls ? tls.getHandshakeSession() : null;
        return choose(keyType, handshake);
    }

    @Override
    public String chooseEngineServerAlias(String keyType, Principal[] issuers, SSLEngine engine) {
        return choose(keyType, engine == null ? null : engine.getHandshakeSession());
    }

    @Override
    public X509Certificate[] getCertificateChain(String alias) {
        return current.get().served(alias).map(ServedCertificates.Served::chain).orElse(null);
    }

    @Override
    public PrivateKey getPrivateKey(String alias) {
        return current.get().served(alias).map(served -> served.bundle().privateKey()).orElse(null);
    }

    @Override
    public String[] getServerAliases(String keyType, Principal[] issuers) {
        List<String> aliases = current.get().aliases(keyType);
        return aliases.isEmpty() ? null : aliases.toArray(new String[0]);
    }

    /** This key manager has no client certificates: Portico does not authenticate itself to clients with these. */
    @Override
    public String[] getClientAliases(String keyType, Principal[] issuers) {
        return null;
    }

    @Override
    public String chooseClientAlias(String[] keyType, Principal[] issuers, Socket socket) {
        return null;
    }

    @Override
    public String chooseEngineClientAlias(String[] keyType, Principal[] issuers, SSLEngine engine) {
        return null;
    }

    private String choose(String keyType, SSLSession handshake) {
        Optional<String> serverName = requestedHostName(handshake);
        Optional<ServedCertificates.Served> chosen = current.get().choose(serverName, keyType);
        if (chosen.isEmpty() && LOG.isLoggable(System.Logger.Level.DEBUG)) {
            LOG.log(System.Logger.Level.DEBUG, "no " + keyType + " certificate for server name "
                    + serverName.orElse("(none sent)"));
        }
        return chosen.map(ServedCertificates.Served::alias).orElse(null);
    }

    static Optional<String> requestedHostName(SSLSession handshake) {
        if (!(handshake instanceof ExtendedSSLSession extended)) {
            return Optional.empty();
        }
        for (SNIServerName name : extended.getRequestedServerNames()) {
            if (name.getType() == StandardConstants.SNI_HOST_NAME) {
                return Optional.of(name instanceof SNIHostName host
                        ? host.getAsciiName()
                        : new SNIHostName(name.getEncoded()).getAsciiName());
            }
        }
        return Optional.empty();
    }
}
