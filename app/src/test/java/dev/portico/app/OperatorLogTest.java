package dev.portico.app;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import javax.net.ssl.SNIHostName;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLParameters;
import javax.net.ssl.SSLSocket;
import javax.net.ssl.TrustManager;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * What the process writes for an operator to read, through the real process: one line per event that matters, no
 * stack trace for an expected one, and the level and format the PORTICO_LOG_* settings ask for.
 */
class OperatorLogTest {
    private static final String TOKEN = "operator-log-test-token-0123456789";
    private static final ObjectMapper JSON = new ObjectMapper();

    @TempDir
    Path dir;
    private PorticoProcess portico;

    @AfterEach
    void stop() throws InterruptedException {
        if (portico != null) {
            portico.close();
        }
    }

    @Test
    void aPortInUseIsOneLineNamingThePortAndItsSettingAndExitCodeOne() throws Exception {
        try (ServerSocket taken = new ServerSocket()) {
            taken.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0));
            int port = taken.getLocalPort();

            PorticoProcess.Ended ended = PorticoProcess.runUntilExit(dir.resolve("data"),
                    Map.of("PORTICO_HTTP_PORT", String.valueOf(port)), Duration.ofSeconds(60));

            assertThat(ended.exitCode()).isEqualTo(1);
            assertThat(ended.output()).containsExactly("portico: could not start: cannot listen on 127.0.0.1:" + port
                    + " for the proxy (Address already in use; another port: PORTICO_HTTP_PORT)");
        }
    }

    @Test
    void aLogSettingOutOfRangeIsRefusedWithTheChoices() throws Exception {
        PorticoProcess.Ended ended = PorticoProcess.runUntilExit(dir.resolve("data"),
                Map.of("PORTICO_LOG_LEVEL", "verbose", "PORTICO_LOG_FORMAT", "xml"), Duration.ofSeconds(60));

        assertThat(ended.exitCode()).isEqualTo(2);
        assertThat(ended.output()).containsExactly("portico: invalid configuration:",
                "  - PORTICO_LOG_LEVEL must be one of error, warn, info, debug, got 'verbose'",
                "  - PORTICO_LOG_FORMAT must be one of text, json, got 'xml'");
    }

    /**
     * JSON lines from start to stop, through what health monitors and scanners do to a TLS listener, an upstream
     * that refuses connections (and is ejected), and a stream of this node's own configuration changes polled for every 50 ms.
     */
    @Test
    void jsonLinesFromStartToStopWithOneLinePerEventAndNoStackTrace() throws Exception {
        Path cert = dir.resolve("cert.pem");
        Path key = dir.resolve("key.pem");
        openssl("req", "-x509", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:P-256", "-nodes", "-days", "2",
                "-subj", "/CN=log.test", "-addext", "subjectAltName=DNS:log.test",
                "-keyout", key.toString(), "-out", cert.toString());
        int refusing;
        try (ServerSocket closed = new ServerSocket(0)) {
            refusing = closed.getLocalPort();
        }
        // the access log (stdout) is another stream, with a test of its own
        portico = PorticoProcess.start(dir.resolve("data"), TOKEN, "256m", Map.of("PORTICO_LOG_FORMAT", "json",
                "PORTICO_POLL_INTERVAL_MS", "50", "PORTICO_ACCESS_LOG", "off"));
        AdminClient admin = AdminClient.of(portico.adminPort(), TOKEN);
        assertThat(admin.put("/v1/certificates/log", "{\"certFile\":\"" + cert + "\",\"keyFile\":\"" + key + "\"}")
                .statusCode()).isEqualTo(201);
        assertThat(admin.put("/v1/upstreams/gone", "{\"targets\":[{\"url\":\"http://127.0.0.1:" + refusing + "\"}]}")
                .statusCode()).isEqualTo(201);
        // this node's own writes, while its poller looks for other nodes' every 50 ms
        for (int i = 0; i < 100; i++) {
            assertThat(admin.put("/v1/routes/r" + i, "{\"pathPrefix\":\"/r" + i + "/\",\"upstream\":\"gone\"}")
                    .statusCode()).isEqualTo(201);
        }

        hangUpMidHandshake(portico.httpsPort());
        HttpClient client = HttpClient.newHttpClient();
        for (int i = 0; i < 3; i++) {
            HttpResponse<String> refused = client.send(HttpRequest.newBuilder(
                    URI.create("http://127.0.0.1:" + portico.httpPort() + "/r7/x")).build(),
                    HttpResponse.BodyHandlers.ofString());
            assertThat(refused.statusCode()).isEqualTo(503);
        }
        portico.terminate();
        assertThat(portico.awaitExit(Duration.ofSeconds(30))).isZero();
        await().atMost(Duration.ofSeconds(5)).until(() -> portico.output().stream()
                .anyMatch(line -> line.contains("Stopped after")));

        List<JsonNode> records = new ArrayList<>();
        for (String line : portico.output()) {
            JsonNode record = JSON.readTree(line);
            assertThat(record.path("time").asText()).as(line).matches("\\d{4}-\\d\\d-\\d\\dT\\d\\d:\\d\\d:\\d\\d.*Z");
            assertThat(record.path("level").asText()).as(line).isIn("error", "warn", "info", "debug");
            assertThat(record.path("logger").asText()).as(line).isNotEmpty();
            assertThat(record.path("message").asText()).as(line).isNotEmpty();
            assertThat(record.has("stack")).as("a stack trace in " + line).isFalse();
            records.add(record);
        }
        assertThat(records).filteredOn(r -> r.path("message").asText().contains("could not be reached"))
                .hasSizeGreaterThanOrEqualTo(3).allSatisfy(r -> {
                    assertThat(r.path("level").asText()).isEqualTo("warn");
                    assertThat(r.path("message").asText()).endsWith("Connection refused (ConnectException)")
                            .containsPattern(", request [0-9a-f]{32}\\): ");
                });
        assertThat(records).filteredOn(r -> r.path("message").asText().contains("is out of rotation"))
                .first().satisfies(r -> assertThat(r.path("message").asText()).isEqualTo("Target http://127.0.0.1:"
                        + refusing + " of upstream 'gone' is out of rotation: 3 failed requests within 10000 ms (last:"
                        + " dial_failed), ejected for 1000 ms"));
        assertThat(records).noneMatch(r -> r.path("message").asText().contains("changed by another node"));
        assertThat(records).filteredOn(r -> r.path("logger").asText().startsWith("org.flywaydb")).isEmpty();
        assertThat(records).anyMatch(r -> r.path("message").asText().startsWith("Portico is serving")
                && r.path("args").isArray());
        portico = null;
    }

    /** What load balancers' TLS checks and scanners do: open, start, and walk away, politely or not. */
    private static void hangUpMidHandshake(int port) throws Exception {
        InetAddress loopback = InetAddress.getLoopbackAddress();
        try (Socket socket = new Socket(loopback, port)) {
            socket.getOutputStream().flush();
        }
        try (Socket socket = new Socket(loopback, port)) {
            OutputStream out = socket.getOutputStream();
            // the first bytes of a ClientHello record, and no more
            out.write(new byte[] {0x16, 0x03, 0x01, 0x02, 0x00, 0x01, 0x00, 0x01, (byte) 0xfc, 0x03, 0x03});
            out.flush();
        }
        SSLContext tls = SSLContext.getInstance("TLS");
        tls.init(null, new TrustManager[] {new TrustEverything()}, null);
        for (boolean reset : new boolean[] {false, true}) {
            Socket plain = new Socket(loopback, port);
            SSLSocket socket = (SSLSocket) tls.getSocketFactory().createSocket(plain, "log.test", port, true);
            SSLParameters parameters = socket.getSSLParameters();
            parameters.setServerNames(List.of(new SNIHostName("log.test")));
            socket.setSSLParameters(parameters);
            socket.startHandshake();
            socket.getOutputStream().write("POST / HTTP/1.1\r\nHost: log.test\r\nContent-Length: 100\r\n\r\nabc"
                    .getBytes(StandardCharsets.US_ASCII));
            socket.getOutputStream().flush();
            if (reset) {
                plain.setSoLinger(true, 0);
                plain.close();
            } else {
                socket.close();
            }
        }
    }

    private static void openssl(String... args) throws IOException, InterruptedException {
        List<String> command = new ArrayList<>(List.of("openssl"));
        command.addAll(List.of(args));
        Process process = new ProcessBuilder(command).redirectErrorStream(true).start();
        String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(process.waitFor()).as(String.join(" ", command) + "\n" + output).isZero();
    }
}
