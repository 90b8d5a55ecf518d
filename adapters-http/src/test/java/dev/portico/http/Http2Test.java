package dev.portico.http;

import io.helidon.common.tls.Tls;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyStore;
import java.security.PrivateKey;
import java.security.cert.X509Certificate;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManagerFactory;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Clients speaking HTTP/2 (h2 by ALPN on the TLS listener, h2c on the plain one) reach HTTP/1.1 upstreams with the
 * semantics HTTP/1.1 clients get.
 */
class Http2Test {
    @TempDir
    static Path directory;

    private static final CountDownLatch RELEASE_SLOW = new CountDownLatch(1);
    private static RawUpstream upstream;
    private static ProxyServer plain;
    private static ProxyServer tls;
    private static HttpClient http2;
    private static Path trustStore;

    @BeforeAll
    static void start() throws Exception {
        KeyStore keys = TlsListenerTest.selfSignedKeyStore(directory.resolve("h2.p12"));
        trustStore = directory.resolve("h2.p12");
        PrivateKey key = (PrivateKey) keys.getKey("portico", TlsListenerTest.PASSWORD);
        X509Certificate certificate = (X509Certificate) keys.getCertificate("portico");

        upstream = RawUpstream.start((request, conversation) -> {
            switch (request.target()) {
                case "/slow" -> {
                    try {
                        RELEASE_SLOW.await(30, TimeUnit.SECONDS);
                    } catch (InterruptedException e) {
                        Thread.currentThread().interrupt();
                    }
                    conversation.send(200, "slow");
                }
                case "/echo" -> conversation.send(201, request.bodyText(), "X-Body-Length: " + request.body().length,
                        "X-Seen-Proto: " + request.header("X-Forwarded-Proto"), "X-Seen-Host: " + request.header("Host"));
                case "/streamed" -> {
                    conversation.write("HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n");
                    for (int i = 0; i < 3; i++) {
                        conversation.write("6\r\npiece" + i + "\r\n");
                    }
                    conversation.write("0\r\n\r\n");
                }
                default -> conversation.send(200, "ok " + request.target(), "X-Seen-Proto: "
                        + request.header("X-Forwarded-Proto"));
            }
        });
        int closedPort;
        try (java.net.ServerSocket unused = new java.net.ServerSocket(0)) {
            closedPort = unused.getLocalPort();
        }
        var routes = ProxyServer.routes(ProxyServer.upstream("app", upstream.url()),
                ProxyServer.route("app", "/", "app"));
        var withBroken = ProxyServer.routes(ProxyServer.upstream("broken", "http://127.0.0.1:" + closedPort),
                ProxyServer.route("broken", "/broken/", "broken"));
        plain = ProxyServer.start((host, path) -> path.startsWith("/broken/") ? withBroken.resolve(host, path)
                : routes.resolve(host, path));
        tls = ProxyServer.start((host, path) -> path.startsWith("/broken/") ? withBroken.resolve(host, path)
                : routes.resolve(host, path), ProxySettings.defaults(), listener -> listener.tls(
                Tls.builder().privateKey(key).privateKeyCertChain(List.of(certificate)).build()));

        TrustManagerFactory trust = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
        trust.init(keys);
        SSLContext context = SSLContext.getInstance("TLS");
        context.init(null, trust.getTrustManagers(), null);
        http2 = HttpClient.newBuilder().version(HttpClient.Version.HTTP_2).sslContext(context).build();
    }

    @AfterAll
    static void stop() throws Exception {
        RELEASE_SLOW.countDown();
        http2.close();
        plain.close();
        tls.close();
        upstream.close();
    }

    private static URI https(String path) {
        return URI.create("https://127.0.0.1:" + tls.port() + path);
    }

    @Test
    void forwardsH2RequestsNegotiatedByAlpnWithTheirBodies() throws Exception {
        byte[] body = "x".repeat(300_000).getBytes(StandardCharsets.US_ASCII);
        HttpResponse<String> response = http2.send(HttpRequest.newBuilder(https("/echo"))
                .POST(HttpRequest.BodyPublishers.ofByteArray(body)).build(), HttpResponse.BodyHandlers.ofString());

        assertThat(response.version()).isEqualTo(HttpClient.Version.HTTP_2);
        assertThat(response.statusCode()).isEqualTo(201);
        assertThat(response.headers().firstValue("X-Body-Length")).hasValue("300000");
        assertThat(response.headers().firstValue("X-Seen-Proto")).hasValue("https");
        assertThat(response.headers().firstValue("X-Seen-Host")).hasValue("127.0.0.1:" + upstream.port());
        assertThat(response.body()).hasSize(300_000);
    }

    @Test
    void relaysAStreamedResponseOverH2() throws Exception {
        HttpResponse<String> response = http2.send(HttpRequest.newBuilder(https("/streamed")).build(),
                HttpResponse.BodyHandlers.ofString());

        assertThat(response.version()).isEqualTo(HttpClient.Version.HTTP_2);
        assertThat(response.body()).isEqualTo("piece0piece1piece2");
    }

    @Test
    void answersNoRouteAndUnreachableUpstreamOverH2AsOverHttp1() throws Exception {
        HttpResponse<String> broken = http2.send(HttpRequest.newBuilder(https("/broken/x"))
                .POST(HttpRequest.BodyPublishers.ofString("unread body")).build(),
                HttpResponse.BodyHandlers.ofString());

        assertThat(broken.version()).isEqualTo(HttpClient.Version.HTTP_2);
        assertThat(broken.statusCode()).isEqualTo(503);
        assertThat(broken.body())
                .isEqualTo("503 Service Unavailable: no server is available to answer\n");
    }

    @Test
    void aSlowResponseOnOneStreamDoesNotHoldTheOthersOnTheSameConnection() throws Exception {
        CompletableFuture<HttpResponse<String>> slow = http2.sendAsync(HttpRequest.newBuilder(https("/slow")).build(),
                HttpResponse.BodyHandlers.ofString());

        for (int i = 0; i < 5; i++) {
            HttpResponse<String> fast = http2.send(HttpRequest.newBuilder(https("/fast" + i)).build(),
                    HttpResponse.BodyHandlers.ofString());
            assertThat(fast.version()).isEqualTo(HttpClient.Version.HTTP_2);
            assertThat(fast.body()).isEqualTo("ok /fast" + i);
        }
        assertThat(slow).isNotDone();
        RELEASE_SLOW.countDown();
        assertThat(slow.get(20, TimeUnit.SECONDS).body()).isEqualTo("slow");
    }

    /** The h2c upgrade is deprecated (RFC 9113, 3.1): the request is answered over HTTP/1.1, as requested. */
    @Test
    void answersAnH2cUpgradeRequestOverHttp1() throws Exception {
        HttpResponse<String> response = http2.send(HttpRequest.newBuilder(
                URI.create("http://127.0.0.1:" + plain.port() + "/not-upgraded")).build(),
                HttpResponse.BodyHandlers.ofString());

        assertThat(response.version()).isEqualTo(HttpClient.Version.HTTP_1_1);
        assertThat(response.body()).isEqualTo("ok /not-upgraded");
    }

    @Test
    void curlSpeaksH2cWithPriorKnowledgeAndH2OverTls() throws Exception {
        Assumptions.assumeTrue(Files.isExecutable(Path.of("/usr/bin/curl")), "curl is not installed");

        String h2c = curl("--http2-prior-knowledge", "http://127.0.0.1:" + plain.port() + "/prior");
        String h2 = curl("--http2", "--cacert", pem(), "https://127.0.0.1:" + tls.port() + "/alpn");
        String h2cError = curl("--http2-prior-knowledge", "http://127.0.0.1:" + plain.port() + "/broken/y");

        assertThat(h2c).startsWith("HTTP/2 200").endsWith("ok /prior").contains("x-seen-proto: http");
        assertThat(h2).startsWith("HTTP/2 200").endsWith("ok /alpn").contains("x-seen-proto: https");
        assertThat(h2cError).startsWith("HTTP/2 503")
                .endsWith("503 Service Unavailable: no server is available to answer\n");
    }

    private static String curl(String... arguments) throws Exception {
        List<String> command = new java.util.ArrayList<>(List.of("curl", "-sS", "-i", "--max-time", "20"));
        command.addAll(List.of(arguments));
        Process process = new ProcessBuilder(command).redirectErrorStream(true).start();
        String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(process.waitFor(30, TimeUnit.SECONDS)).isTrue();
        assertThat(process.exitValue()).as(output).isZero();
        return output.replace("\r\n", "\n");
    }

    /** The listener's certificate as PEM, for curl's --cacert. */
    private static String pem() throws Exception {
        KeyStore keys = KeyStore.getInstance("PKCS12");
        try (var in = Files.newInputStream(trustStore)) {
            keys.load(in, TlsListenerTest.PASSWORD);
        }
        Path file = directory.resolve("h2.pem");
        Files.writeString(file, "-----BEGIN CERTIFICATE-----\n"
                + java.util.Base64.getMimeEncoder(64, "\n".getBytes(StandardCharsets.US_ASCII))
                .encodeToString(keys.getCertificate("portico").getEncoded())
                + "\n-----END CERTIFICATE-----\n");
        return file.toString();
    }
}
