package dev.portico.http.tls;

import io.helidon.common.tls.Tls;

import java.util.Arrays;
import java.util.List;
import java.util.Set;
import java.util.stream.Collectors;
import javax.net.ssl.SNIHostName;
import javax.net.ssl.SNIMatcher;
import javax.net.ssl.SNIServerName;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLParameters;
import javax.net.ssl.StandardConstants;

/**
 * The TLS of Portico's HTTPS listener: TLS 1.3 and 1.2 only, forward-secret AEAD cipher suites (Mozilla's
 * "intermediate" list), the certificate chosen per handshake by {@link SniKeyManager}, and a server name it has no
 * certificate for answered with the {@code unrecognized_name} alert, as is a client that sends none while there is no
 * default certificate ({@link NamelessClientRefusal}). Use it as
 * {@code WebServer.builder().putSocket("https", s -> s.port(p).tls(TlsListener.tls(keyManager)))}.
 *
 * <p>Rotation needs no {@code WebServer.reloadTls}: installing new certificates in the key manager is enough. ALPN is
 * left to Helidon (it offers the protocols of the connection providers on the classpath: HTTP/1.1 today).
 */
public final class TlsListener {
    /** Newest first; TLS 1.1 and older are broken and disabled in every current JDK anyway. */
    public static final List<String> PROTOCOLS = List.of("TLSv1.3", "TLSv1.2");

    /**
     * TLS 1.3 suites, then TLS 1.2 ECDHE suites with AES-GCM or ChaCha20-Poly1305, ECDSA before RSA, in the server's
     * order of preference. Suites the running JDK lacks are dropped.
     */
    public static final List<String> CIPHER_SUITES = List.of(
            "TLS_AES_128_GCM_SHA256",
            "TLS_AES_256_GCM_SHA384",
            "TLS_CHACHA20_POLY1305_SHA256",
            "TLS_ECDHE_ECDSA_WITH_AES_128_GCM_SHA256",
            "TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256",
            "TLS_ECDHE_ECDSA_WITH_AES_256_GCM_SHA384",
            "TLS_ECDHE_RSA_WITH_AES_256_GCM_SHA384",
            "TLS_ECDHE_ECDSA_WITH_CHACHA20_POLY1305_SHA256",
            "TLS_ECDHE_RSA_WITH_CHACHA20_POLY1305_SHA256");

    private TlsListener() {
    }

    /** A Helidon {@link Tls} for a listener serving the certificates of {@code keyManager}, as they change. */
    public static Tls tls(SniKeyManager keyManager) {
        return Tls.builder()
                .sslContext(sslContext(keyManager))
                .sslParameters(parameters(keyManager))
                .build();
    }

    /** The JSSE context behind {@link #tls}, for listeners that are not Helidon's. */
    public static SSLContext sslContext(SniKeyManager keyManager) {
        return RotatingSslContext.create(keyManager, () -> parameters(keyManager));
    }

    /** A fresh copy each time: {@link SSLParameters} is mutable and every socket gets its own. */
    static SSLParameters parameters(SniKeyManager keyManager) {
        SSLParameters parameters = new SSLParameters();
        parameters.setProtocols(PROTOCOLS.toArray(new String[0]));
        parameters.setCipherSuites(Supported.CIPHER_SUITES.toArray(new String[0]));
        parameters.setUseCipherSuitesOrder(true);
        parameters.setSNIMatchers(List.of(new KnownServerNames(keyManager)));
        return parameters;
    }

    /** Computed once: which of {@link #CIPHER_SUITES} this JDK implements. */
    private static final class Supported {
        static final List<String> CIPHER_SUITES;

        static {
            Set<String> available = Arrays.stream(RotatingSslContext.jdkContext(new SniKeyManager())
                    .getSupportedSSLParameters().getCipherSuites()).collect(Collectors.toSet());
            CIPHER_SUITES = TlsListener.CIPHER_SUITES.stream().filter(available::contains).toList();
        }
    }

    /**
     * Accepts a server name only when a certificate (or the default) would be served for it. The JDK answers a name
     * the matchers refuse with a fatal {@code unrecognized_name} alert (RFC 6066 §3), which tells a client precisely
     * what is wrong instead of a generic handshake failure or, worse, some other site's certificate. A client that
     * sends no SNI at all is never matched: it gets the default certificate or, from {@link NamelessClientRefusal},
     * the same alert.
     */
    private static final class KnownServerNames extends SNIMatcher {
        private final SniKeyManager keyManager;

        KnownServerNames(SniKeyManager keyManager) {
            super(StandardConstants.SNI_HOST_NAME);
            this.keyManager = keyManager;
        }

        @Override
        public boolean matches(SNIServerName serverName) {
            try {
                String host = serverName instanceof SNIHostName hostName
                        ? hostName.getAsciiName()
                        : new SNIHostName(serverName.getEncoded()).getAsciiName();
                return keyManager.current().recognizes(host);
            } catch (IllegalArgumentException notAHostName) {
                return false;
            }
        }
    }
}
