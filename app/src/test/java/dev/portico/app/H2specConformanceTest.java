package dev.portico.app;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * h2spec, the HTTP/2 conformance suite, against Portico as main wires it: every case (strict ones included) over h2c
 * with prior knowledge on the proxy listener and over h2 by ALPN on the HTTPS listener, each stream proxied to a real
 * upstream. Any case that does not pass fails the build, and Portico must still serve afterwards.
 */
class H2specConformanceTest {
    private static final String TOKEN = "h2spec-test-token-0123456789";
    /** How long h2spec waits for each frame a case expects; Portico answers within milliseconds when idle. */
    private static final Duration CASE_TIMEOUT = Duration.ofSeconds(5);
    /** A bound on a whole run, which takes a few seconds. */
    private static final Duration RUN_TIMEOUT = Duration.ofMinutes(3);

    @TempDir
    static Path dir;
    private static H2spec h2spec;
    private static int expectedCases;
    private static TestUpstream upstream;
    private static Portico portico;
    private final HttpClient http1 = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();

    @BeforeAll
    static void start() throws Exception {
        h2spec = H2spec.extract(dir.resolve("bin"));
        expectedCases = h2spec.caseCount(dir);
        upstream = new TestUpstream("app");
        Path cert = dir.resolve("cert.pem");
        Path key = dir.resolve("key.pem");
        openssl("req", "-x509", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:P-256", "-nodes", "-days", "2",
                "-subj", "/CN=h2spec.test", "-addext", "subjectAltName=DNS:h2spec.test",
                "-keyout", key.toString(), "-out", cert.toString());
        // h2spec connects to 127.0.0.1 and so sends no SNI: the default certificate is the one it gets.
        portico = Portico.start(Settings.fromEnvironment(Map.of(
                "PORTICO_DATA_DIR", dir.resolve("data").toString(), "PORTICO_HTTP_HOST", "127.0.0.1",
                "PORTICO_HTTP_PORT", "0", "PORTICO_HTTPS_PORT", "0", "PORTICO_ADMIN_PORT", "0",
                "PORTICO_ADMIN_TOKEN", TOKEN, "PORTICO_DEFAULT_CERTIFICATE", "h2spec")));
        AdminClient admin = AdminClient.of(portico.adminPort(), TOKEN);
        assertThat(admin.put("/v1/upstreams/app", "{\"targets\":[{\"url\":\"" + upstream.url() + "\"}]}")
                .statusCode()).isEqualTo(201);
        assertThat(admin.put("/v1/routes/all", "{\"upstream\":\"app\"}").statusCode()).isEqualTo(201);
        assertThat(admin.put("/v1/certificates/h2spec", "{\"certFile\":\"" + cert + "\",\"keyFile\":\"" + key + "\"}")
                .statusCode()).isEqualTo(201);
    }

    @AfterAll
    static void stop() {
        if (portico != null) {
            portico.close();
        }
        if (upstream != null) {
            upstream.close();
        }
    }

    @Test
    void h2cWithPriorKnowledgeOnTheProxyListenerPassesEveryCase() throws Exception {
        passesEveryCase("h2c", portico.httpPort(), List.of());
    }

    @Test
    void h2ByAlpnOnTheHttpsListenerPassesEveryCase() throws Exception {
        // --insecure: the certificate is self-signed; what is tested is HTTP/2, not the chain
        passesEveryCase("h2", portico.httpsPort(), List.of("--tls", "--insecure", "--verbose"));
    }

    private void passesEveryCase(String label, int port, List<String> tls) throws Exception {
        H2spec.Report report = h2spec.run(label, port, tls, dir, CASE_TIMEOUT, RUN_TIMEOUT);
        List<String> byFrames = report.judgedByItsFrames().stream().map(H2spec.Case::id).toList();
        System.out.println("h2spec " + label + ": " + report.passed() + "/" + report.cases().size() + " passed"
                + (byFrames.isEmpty() ? "" : " (" + String.join(", ", byFrames) + " by the frames h2spec logged, "
                + "as fixed h2spec judges it: summerwind/h2spec#115)"));

        assertThat(report.notPassed())
                .withFailMessage(() -> "h2spec " + label + ": " + report.notPassed().size() + " of "
                        + report.cases().size() + " cases did not pass:" + report.describeNotPassed())
                .isEmpty();
        assertThat(report.cases())
                .withFailMessage(() -> "h2spec " + label + " ran " + report.cases().size() + " cases of "
                        + expectedCases + "; its output:\n" + report.output())
                .hasSize(expectedCases);
        stillServes();
    }

    /** After the abuse, a plain HTTP/1.1 client is proxied and the admin API answers. */
    private void stillServes() throws IOException, InterruptedException {
        HttpResponse<String> proxied = http1.send(HttpRequest.newBuilder(
                URI.create("http://127.0.0.1:" + portico.httpPort() + "/after-h2spec")).build(),
                HttpResponse.BodyHandlers.ofString());
        assertThat(proxied.statusCode()).isEqualTo(200);
        assertThat(proxied.version()).isEqualTo(HttpClient.Version.HTTP_1_1);
        assertThat(proxied.body()).startsWith("app GET /after-h2spec");

        HttpResponse<String> status = AdminClient.of(portico.adminPort(), TOKEN).get("/v1/status");
        assertThat(status.statusCode()).isEqualTo(200);
        assertThat(status.body()).contains("\"routes\":1");
    }

    private static void openssl(String... args) throws IOException, InterruptedException {
        List<String> command = new java.util.ArrayList<>(List.of("openssl"));
        command.addAll(List.of(args));
        Process process = new ProcessBuilder(command).redirectErrorStream(true).start();
        String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(process.waitFor()).as(String.join(" ", command) + "\n" + output).isZero();
    }
}
