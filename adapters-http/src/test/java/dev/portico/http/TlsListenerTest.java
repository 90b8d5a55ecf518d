package dev.portico.http;

import dev.portico.http.observe.ExchangeRecord;

import io.helidon.common.tls.Tls;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.InputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyStore;
import java.security.PrivateKey;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManagerFactory;

import static dev.portico.http.ProxyServer.everythingTo;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/** Behind a TLS listener, the client's scheme is https: in X-Forwarded-Proto and in rewritten Locations. */
class TlsListenerTest {
    static final char[] PASSWORD = "portico-test".toCharArray();

    @TempDir
    static Path directory;

    private static RawUpstream upstream;
    private static ProxyServer proxy;
    private static HttpClient client;

    @BeforeAll
    static void start() throws Exception {
        KeyStore keys = selfSignedKeyStore(directory.resolve("listener.p12"));
        PrivateKey key = (PrivateKey) keys.getKey("portico", PASSWORD);
        X509Certificate certificate = (X509Certificate) keys.getCertificate("portico");

        upstream = RawUpstream.start((request, conversation) -> conversation.send(302, "",
                "Location: http://127.0.0.1:" + conversation.localPort() + "/signed-in",
                "X-Seen-Proto: " + request.header("X-Forwarded-Proto")));
        proxy = ProxyServer.start(everythingTo(upstream.url()), ProxySettings.defaults(), listener -> listener.tls(
                Tls.builder().privateKey(key).privateKeyCertChain(List.of(certificate)).build()));

        TrustManagerFactory trust = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
        trust.init(keys);
        SSLContext tls = SSLContext.getInstance("TLS");
        tls.init(null, trust.getTrustManagers(), null);
        client = HttpClient.newBuilder().sslContext(tls).build();
    }

    @AfterAll
    static void stop() throws Exception {
        proxy.close();
        upstream.close();
    }

    @Test
    void tellsTheUpstreamTheClientUsedHttpsAndRewritesLocationsToHttps() throws Exception {
        HttpResponse<String> response = client.send(HttpRequest.newBuilder(
                URI.create("https://127.0.0.1:" + proxy.port() + "/sign-in")).build(),
                HttpResponse.BodyHandlers.ofString());

        assertThat(response.statusCode()).isEqualTo(302);
        assertThat(response.headers().firstValue("X-Seen-Proto")).hasValue("https");
        assertThat(response.headers().firstValue("Location")).hasValue("https://127.0.0.1:" + proxy.port()
                + "/signed-in");
    }

    @Test
    void theExchangeRecordNamesTheTlsVersionAndTheServerNameTheClientAskedForOverHttp1AndHttp2() throws Exception {
        int known = proxy.proxy.knownTlsSessions();
        for (HttpClient.Version version : List.of(HttpClient.Version.HTTP_1_1, HttpClient.Version.HTTP_2)) {
            proxy.exchanges.clear();
            HttpClient http = HttpClient.newBuilder().sslContext(client.sslContext()).version(version).build();
            HttpResponse<String> response = http.send(HttpRequest.newBuilder(
                    URI.create("https://localhost:" + proxy.port() + "/logged")).build(),
                    HttpResponse.BodyHandlers.ofString());
            assertThat(response.version()).isEqualTo(version);

            ExchangeRecord record = await().atMost(Duration.ofSeconds(10)).until(
                    () -> proxy.exchanges.stream().filter(r -> "/logged".equals(r.target())).findFirst().orElse(null),
                    r -> r != null);
            assertThat(record.protocol()).isEqualTo(version == HttpClient.Version.HTTP_2 ? "HTTP/2.0" : "HTTP/1.1");
            assertThat(record.tls()).isEqualTo("TLSv1.3");
            assertThat(record.serverName()).isEqualTo("localhost");
            http.close();
        }
        // the connections ended, and the proxy forgot their sockets
        await().atMost(Duration.ofSeconds(30)).until(() -> proxy.proxy.knownTlsSessions() <= known);
    }

    /** A key pair and self-signed certificate for 127.0.0.1, made by the JDK's keytool. */
    static KeyStore selfSignedKeyStore(Path file) throws Exception {
        Path keytool = Path.of(System.getProperty("java.home"), "bin", "keytool");
        Process process = new ProcessBuilder(keytool.toString(), "-genkeypair", "-alias", "portico",
                "-keyalg", "EC", "-groupname", "secp256r1", "-dname", "CN=localhost",
                "-ext", "SAN=ip:127.0.0.1,dns:localhost", "-validity", "2", "-storetype", "PKCS12",
                "-keystore", file.toString(), "-storepass", new String(PASSWORD), "-keypass", new String(PASSWORD))
                .redirectErrorStream(true).start();
        String output = new String(process.getInputStream().readAllBytes());
        assertThat(process.waitFor(60, TimeUnit.SECONDS)).isTrue();
        assertThat(process.exitValue()).as(output).isZero();
        KeyStore keys = KeyStore.getInstance("PKCS12");
        try (InputStream in = Files.newInputStream(file)) {
            keys.load(in, PASSWORD);
        }
        return keys;
    }
}
