package dev.portico.http.tls;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.math.BigInteger;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.function.Consumer;
import javax.net.ssl.SNIHostName;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLHandshakeException;
import javax.net.ssl.SSLParameters;
import javax.net.ssl.SSLSocket;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * A real Helidon HTTPS listener choosing its certificate per handshake by SNI, seen by real TLS clients; run once
 * per Helidon transport (HttpsOverNioTest, HttpsOverBlockingSocketsTest), because each reaches the JDK's TLS by a different path.
 */
abstract class HttpsListenerContract {
    private static TestPki pki;
    private static TestPki.Leaf exact;
    private static TestPki.Leaf wildcard;
    private static TestPki.Leaf dualRsa;
    private static TestPki.Leaf dualEc;
    private static TestPki.Leaf fallback;

    @TempDir
    Path directory;

    private CertificateRegistry registry;
    private HttpsServer server;
    private SSLContext client;

    @BeforeAll
    static void certificates() {
        pki = TestPki.create();
        exact = pki.leaf(TestPki.KeyKind.EC, "a.example.com");
        wildcard = pki.leaf(TestPki.KeyKind.RSA, "*.example.com");
        dualRsa = pki.leaf(TestPki.KeyKind.RSA, "dual.example.net");
        dualEc = pki.leaf(TestPki.KeyKind.EC, "dual.example.net");
        fallback = pki.leaf(TestPki.KeyKind.EC, "default.example.org");
    }

    @BeforeEach
    void start() {
        registry = new CertificateRegistry(new SniKeyManager(), Clock.systemUTC());
        installed("exact", exact);
        installed("wildcard", wildcard);
        installed("dual-rsa", dualRsa);
        installed("dual-ec", dualEc);
        installed("default", fallback);
        server = HttpsServer.start(registry.keyManager(), transport());
        client = pki.clientContext();
    }

    abstract HttpsServer.Transport transport();

    @AfterEach
    void stop() {
        server.close();
    }

    @Test
    void presentsTheCertificateNamedExactlyEvenWhenAWildcardAlsoCoversTheName() throws Exception {
        assertThat(TlsClient.serialFor(client, server.port(), "a.example.com")).isEqualTo(exact.serial());
    }

    @Test
    void presentsAWildcardCertificateForANameOneLabelBelowIt() throws Exception {
        assertThat(TlsClient.serialFor(client, server.port(), "b.example.com")).isEqualTo(wildcard.serial());
        assertThat(TlsClient.serialFor(client, server.port(), "B.Example.COM")).isEqualTo(wildcard.serial());
    }

    @Test
    void presentsTheDefaultForNamesNoCertificateCovers() throws Exception {
        registry.useDefault(Optional.of("default"));

        try (SSLSocket deeper = TlsClient.connect(client, server.port(), Optional.of("x.y.example.com"),
                HttpsListenerContract::withoutHostnameCheck);
             SSLSocket apex = TlsClient.connect(client, server.port(), Optional.of("example.com"),
                     HttpsListenerContract::withoutHostnameCheck)) {
            assertThat(TlsClient.peerSerial(deeper)).isEqualTo(fallback.serial());
            assertThat(TlsClient.peerSerial(apex)).isEqualTo(fallback.serial());
        }
    }

    @Test
    void presentsTheDefaultToClientsThatSendNoServerName() throws Exception {
        registry.useDefault(Optional.of("default"));

        try (SSLSocket socket = TlsClient.connect(client, server.port(), Optional.empty())) {
            assertThat(TlsClient.peerSerial(socket)).isEqualTo(fallback.serial());
            assertThat(TlsClient.get(socket, "127.0.0.1")).isEqualTo("200 hello");
        }
    }

    @Test
    void answersAnUnknownNameWithTheUnrecognizedNameAlertWhenThereIsNoDefault() {
        assertThatThrownBy(() -> TlsClient.connect(client, server.port(), Optional.of("unknown.example.org")))
                .isInstanceOf(SSLHandshakeException.class)
                .hasMessageContaining("unrecognized_name");
    }

    @Test
    void answersAClientWithoutServerNameWithTheUnrecognizedNameAlertWhenThereIsNoDefault() {
        assertThatThrownBy(() -> TlsClient.connect(client, server.port(), Optional.empty()))
                .isInstanceOf(SSLHandshakeException.class)
                .hasMessageContaining("Received fatal alert: unrecognized_name");
    }

    /** The alert is all a client gets: no ServerHello, no certificate, nothing after it. */
    @Test
    void answersClientHellosWithoutServerNameOrWithAnUnknownOneWithTheUnrecognizedNameAlertAlone() throws Exception {
        for (Optional<String> serverName : List.of(Optional.<String>empty(), Optional.of("unknown.example.org"))) {
            for (String protocol : List.of("TLSv1.3", "TLSv1.2")) {
                assertThat(RawTlsClient.answerTo(client, server.port(), serverName, protocol))
                        .as("the answer to a %s ClientHello with server name %s", protocol, serverName)
                        .isEqualTo(RawTlsClient.UNRECOGNIZED_NAME_ALERT);
            }
        }
    }

    /** Reading a ClientHello before the JDK must not make the listener wait for bytes a plain HTTP client never sends. */
    @Test
    void closesAConnectionThatSpeaksPlainHttpAtOnce() throws Exception {
        for (String request : List.of("GET / HTTP/1.1\r\nHost: a.example.com\r\n\r\n", "HEAD / HTTP/1.1\r\n\r\n")) {
            long started = System.nanoTime();
            String answer = RawTlsClient.answerTo(server.port(), request.getBytes(StandardCharsets.US_ASCII));
            assertThat(answer).as("no TLS record but, at most, an alert").matches("(15030[0-3]0002[0-9a-f]{4})?");
            assertThat(Duration.ofNanos(System.nanoTime() - started)).isLessThan(Duration.ofSeconds(5));
        }
    }

    @Test
    void refusesEveryHandshakeWithTheUnrecognizedNameAlertWhileItHasNoCertificate() throws Exception {
        for (String name : List.of("exact", "wildcard", "dual-rsa", "dual-ec", "default")) {
            registry.remove(name);
        }
        registry.useDefault(Optional.of("default"));  // named, but not loaded

        for (Optional<String> serverName : List.of(Optional.<String>empty(), Optional.of("a.example.com"))) {
            assertThat(RawTlsClient.answerTo(client, server.port(), serverName, "TLSv1.3"))
                    .as("the answer with server name %s", serverName)
                    .isEqualTo(RawTlsClient.UNRECOGNIZED_NAME_ALERT);
        }
    }

    @Test
    void servesTheRsaOrTheEcCertificateOfOneNameByTheSignaturesTheClientPrefers() throws Exception {
        // Every list keeps the schemes the test chain itself is signed with, so the client can verify either leaf.
        try (SSLSocket ecFirst = TlsClient.connect(client, server.port(), Optional.of("dual.example.net"),
                parameters -> parameters.setSignatureSchemes(new String[] {
                        "ecdsa_secp256r1_sha256", "rsa_pss_rsae_sha256", "rsa_pkcs1_sha256"}));
             SSLSocket rsaFirst = TlsClient.connect(client, server.port(), Optional.of("dual.example.net"),
                     parameters -> parameters.setSignatureSchemes(new String[] {
                             "rsa_pss_rsae_sha256", "ecdsa_secp256r1_sha256", "rsa_pkcs1_sha256"}))) {
            assertThat(ecFirst.getSession().getProtocol()).isEqualTo("TLSv1.3");
            assertThat(TlsClient.peerSerial(ecFirst)).isEqualTo(dualEc.serial());
            assertThat(TlsClient.peerSerial(rsaFirst)).isEqualTo(dualRsa.serial());
        }
    }

    @Test
    void servesTheOnlyCertificateATls12ClientsCipherSuitesAllow() throws Exception {
        try (SSLSocket ecdsa = TlsClient.connect(client, server.port(), Optional.of("dual.example.net"),
                tls12("TLS_ECDHE_ECDSA_WITH_AES_128_GCM_SHA256"));
             SSLSocket rsa = TlsClient.connect(client, server.port(), Optional.of("dual.example.net"),
                     tls12("TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256"))) {
            assertThat(TlsClient.peerSerial(ecdsa)).isEqualTo(dualEc.serial());
            assertThat(TlsClient.peerSerial(rsa)).isEqualTo(dualRsa.serial());
        }
    }

    @Test
    void doesNotFallBackToTheDefaultWhenTheNamedCertificateHasAnotherKeyType() throws Exception {
        registry.useDefault(Optional.of("default"));  // an EC certificate; *.example.com is RSA

        assertThatThrownBy(() -> TlsClient.connect(client, server.port(), Optional.of("b.example.com"),
                tls12("TLS_ECDHE_ECDSA_WITH_AES_128_GCM_SHA256")))
                .isInstanceOf(SSLHandshakeException.class)
                .hasMessageContaining("handshake_failure");
        try (SSLSocket rsa = TlsClient.connect(client, server.port(), Optional.of("b.example.com"),
                tls12("TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256"))) {
            assertThat(TlsClient.peerSerial(rsa)).isEqualTo(wildcard.serial());
        }
    }

    @Test
    void speaksTls13AndTls12() throws Exception {
        for (String protocol : List.of("TLSv1.3", "TLSv1.2")) {
            try (SSLSocket socket = TlsClient.connect(client, server.port(), Optional.of("a.example.com"),
                    parameters -> parameters.setProtocols(new String[] {protocol}))) {
                assertThat(socket.getSession().getProtocol()).isEqualTo(protocol);
                assertThat(TlsClient.get(socket, "a.example.com")).isEqualTo("200 hello");
            }
        }
    }

    /** Proves the listener's own parameters reach Helidon's connections: the JDK alone would accept this suite. */
    @Test
    void refusesCipherSuitesOutsideItsList() {
        assertThatThrownBy(() -> TlsClient.connect(client, server.port(), Optional.of("b.example.com"),
                tls12("TLS_ECDHE_RSA_WITH_AES_128_CBC_SHA256")))
                .isInstanceOf(SSLHandshakeException.class);
    }

    @Test
    void refusesTls11() {
        Openssl.Result result = Openssl.run(directory, "", "s_client", "-connect", "127.0.0.1:" + server.port(),
                "-servername", "a.example.com", "-tls1_1", "-cipher", "DEFAULT@SECLEVEL=0");

        assertThat(result.exitCode()).isNotZero();
        assertThat(result.stderr()).contains("alert protocol version");  // the server's refusal, not openssl's own
        assertThat(result.stdout()).doesNotContain("BEGIN CERTIFICATE");
    }

    @Test
    void servesHttpClientRequestsForTheServerNameItSends() throws Exception {
        SSLParameters parameters = new SSLParameters();
        parameters.setServerNames(List.of(new SNIHostName("a.example.com")));
        HttpClient http = HttpClient.newBuilder().sslContext(client).sslParameters(parameters).build();

        HttpResponse<String> response = http.send(HttpRequest.newBuilder(
                URI.create("https://127.0.0.1:" + server.port() + "/")).build(), HttpResponse.BodyHandlers.ofString());

        assertThat(response.statusCode()).isEqualTo(200);
        assertThat(response.body()).isEqualTo("hello");
        assertThat(response.sslSession().orElseThrow().getPeerCertificates()[0]).isEqualTo(exact.certificate());
    }

    @Test
    void showsOpensslTheCertificateOfEachNameAndTheUnrecognizedNameAlertForOthersAndForNone() throws Exception {
        Files.writeString(directory.resolve("root.pem"), TestPki.pem("CERTIFICATE", pki.root().getEncoded()));

        String exactName = OpensslProbe.presented(directory, server.port(), "a.example.com");
        String wildcardName = OpensslProbe.presented(directory, server.port(), "c.example.com");
        Openssl.Result unknown = OpensslProbe.sClient(directory, server.port(), "unknown.example.org");
        Openssl.Result nameless = Openssl.run(directory, "", "s_client", "-connect", "127.0.0.1:" + server.port(),
                "-noservername");

        assertThat(exactName).contains("subject=CN = a.example.com").contains("serial=" + hex(exact.serial()));
        assertThat(wildcardName).contains("subject=CN = *.example.com").contains("serial=" + hex(wildcard.serial()));
        assertThat(unknown.exitCode()).isNotZero();
        assertThat(unknown.stderr()).contains("unrecognized name").contains("alert number 112");
        assertThat(nameless.exitCode()).isNotZero();
        assertThat(nameless.stderr()).contains("unrecognized name").contains("alert number 112");
    }

    private void installed(String name, TestPki.Leaf leaf) {
        assertThat(registry.put(name, leaf.inline())).isInstanceOf(CertificateChange.Installed.class);
    }

    private static Consumer<SSLParameters> tls12(String cipherSuite) {
        return parameters -> {
            parameters.setProtocols(new String[] {"TLSv1.2"});
            parameters.setCipherSuites(new String[] {cipherSuite});
        };
    }

    private static void withoutHostnameCheck(SSLParameters parameters) {
        // The default certificate is not named for these names: this test is about which one is presented.
        parameters.setEndpointIdentificationAlgorithm(null);
    }

    static String hex(BigInteger serial) {
        String hex = serial.toString(16).toUpperCase(Locale.ROOT);
        return hex.length() % 2 == 0 ? hex : "0" + hex;
    }
}
