package dev.portico.app;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.SocketException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermission;
import java.util.HashMap;
import java.util.Map;
import java.util.Set;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** Portico wired as main wires it, in this JVM: the operator's first minutes, through real sockets. */
class PorticoTest {
    private static final String TOKEN = "test-token-0123456789";
    private final HttpClient client = HttpClient.newHttpClient();

    @TempDir
    Path dataDir;
    private TestUpstream upstream;
    private Portico portico;

    @BeforeEach
    void startUpstream() throws Exception {
        upstream = new TestUpstream("app");
    }

    @AfterEach
    void stopAll() {
        if (portico != null) {
            portico.close();
        }
        upstream.close();
    }

    private Portico start(Map<String, String> extra) {
        Map<String, String> env = new HashMap<>(Map.of(
                "PORTICO_DATA_DIR", dataDir.toString(),
                "PORTICO_HTTP_HOST", "127.0.0.1",
                "PORTICO_HTTP_PORT", "0",
                "PORTICO_HTTPS_PORT", "0",
                "PORTICO_ADMIN_PORT", "0"));
        env.putAll(extra);
        portico = Portico.start(Settings.fromEnvironment(env));
        return portico;
    }

    private HttpResponse<String> proxied(String host, String path) throws Exception {
        return client.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + portico.httpPort() + path))
                .header("Host", host).build(), HttpResponse.BodyHandlers.ofString());
    }

    @Test
    void answersTheHealthProbesWithoutATokenOnTheAdminListenerAndOnTheirOwn() throws Exception {
        start(Map.of("PORTICO_ADMIN_TOKEN", TOKEN, "PORTICO_HEALTH_HOST", "127.0.0.1", "PORTICO_HEALTH_PORT", "0"));

        for (int port : new int[] {portico.adminPort(), portico.healthPort()}) {
            HttpResponse<String> alive = client.send(HttpRequest.newBuilder(
                    URI.create("http://127.0.0.1:" + port + "/healthz")).build(), HttpResponse.BodyHandlers.ofString());
            HttpResponse<String> ready = client.send(HttpRequest.newBuilder(
                    URI.create("http://127.0.0.1:" + port + "/readyz")).build(), HttpResponse.BodyHandlers.ofString());

            assertThat(alive.statusCode()).isEqualTo(200);
            assertThat(alive.body()).isEqualTo("{\"status\":\"alive\"}");
            assertThat(ready.statusCode()).isEqualTo(200);
            assertThat(ready.body()).isEqualTo("{\"status\":\"ready\",\"revision\":0,\"database\":\"reachable\","
                    + "\"reasons\":[]}");
            assertThat(ready.headers().firstValue("Cache-Control")).hasValue("no-store");
        }
        // the health listener serves the probes and nothing else; the admin API still wants its token
        assertThat(client.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + portico.healthPort()
                + "/v1/status")).build(), HttpResponse.BodyHandlers.ofString()).statusCode()).isEqualTo(404);
        assertThat(client.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + portico.adminPort()
                + "/v1/status")).build(), HttpResponse.BodyHandlers.ofString()).statusCode()).isEqualTo(401);
    }

    @Test
    void routeAddedThroughTheAdminApiServesTheNextRequestAndDeletingItMakesThe404() throws Exception {
        start(Map.of("PORTICO_ADMIN_TOKEN", TOKEN));
        AdminClient admin = AdminClient.of(portico.adminPort(), TOKEN);

        assertThat(proxied("example.com", "/api/users").statusCode()).isEqualTo(404);
        assertThat(admin.put("/v1/upstreams/app", "{\"targets\":[{\"url\":\"" + upstream.url() + "\"}]}")
                .statusCode()).isEqualTo(201);
        assertThat(admin.put("/v1/routes/api", "{\"hosts\":[\"example.com\"],\"pathPrefix\":\"/api/\","
                + "\"upstream\":\"app\",\"stripPrefix\":true}").statusCode()).isEqualTo(201);

        HttpResponse<String> response = proxied("example.com", "/api/users?page=2");
        assertThat(response.statusCode()).isEqualTo(200);
        assertThat(response.body()).isEqualTo("app GET /users?page=2 host=" + upstream.url().substring(7));
        assertThat(proxied("other.example", "/api/users").statusCode()).isEqualTo(404);

        assertThat(admin.delete("/v1/routes/api").statusCode()).isEqualTo(204);
        assertThat(proxied("example.com", "/api/users").statusCode()).isEqualTo(404);
    }

    @Test
    void aRouteThatRedirectsToHttpsSendsPlainRequestsToThePortOfPorticoHttpsPort() throws Exception {
        int httpsPort;
        // a port free a moment ago: the redirect must name the configured port, which an ephemeral one is not
        try (java.net.ServerSocket probe = new java.net.ServerSocket(0)) {
            httpsPort = probe.getLocalPort();
        }
        start(Map.of("PORTICO_ADMIN_TOKEN", TOKEN, "PORTICO_HTTPS_PORT", Integer.toString(httpsPort)));
        AdminClient admin = AdminClient.of(portico.adminPort(), TOKEN);
        admin.put("/v1/upstreams/app", "{\"targets\":[{\"url\":\"" + upstream.url() + "\"}]}");
        assertThat(admin.put("/v1/routes/site", "{\"upstream\":\"app\",\"redirectToHttps\":true,"
                + "\"hsts\":{\"maxAgeSeconds\":600}}").statusCode()).isEqualTo(201);

        HttpResponse<String> response = proxied("example.com", "/login?next=%2Fhome");

        assertThat(response.statusCode()).isEqualTo(308);
        assertThat(response.headers().firstValue("Location"))
                .hasValue("https://example.com:" + httpsPort + "/login?next=%2Fhome");
        assertThat(response.headers().firstValue("Strict-Transport-Security")).isEmpty();
        assertThat(proxied("example.com", "/.well-known/acme-challenge/abc").statusCode()).isEqualTo(200);
    }

    @Test
    void theAdminApiRefusesRequestsWithoutTheToken() throws Exception {
        start(Map.of("PORTICO_ADMIN_TOKEN", TOKEN));
        assertThat(AdminClient.of(portico.adminPort(), "wrong-token").get("/v1/routes").statusCode()).isEqualTo(401);
        HttpResponse<String> anonymous = client.send(HttpRequest.newBuilder(
                URI.create("http://127.0.0.1:" + portico.adminPort() + "/v1/routes")).build(),
                HttpResponse.BodyHandlers.ofString());
        assertThat(anonymous.statusCode()).isEqualTo(401);
        assertThat(anonymous.headers().firstValue("WWW-Authenticate")).hasValueSatisfying(v -> assertThat(v).startsWith("Bearer"));
    }

    @Test
    void theAdminListenerAnswersARequestLineOf100000BytesWith414AndCloses() throws Exception {
        start(Map.of("PORTICO_ADMIN_TOKEN", TOKEN));
        byte[] request = ("GET /v1/routes/" + "a".repeat(100_000) + " HTTP/1.1\r\nHost: 127.0.0.1\r\n"
                + "Authorization: Bearer " + TOKEN + "\r\n\r\n").getBytes(StandardCharsets.US_ASCII);

        String answer;
        try (Socket socket = new Socket("127.0.0.1", portico.adminPort())) {
            socket.setSoTimeout(10_000);
            // Helidon answers after the first 4096 bytes and closes, perhaps before the rest is written.
            Thread writer = Thread.ofVirtual().start(() -> {
                try {
                    socket.getOutputStream().write(request);
                } catch (IOException e) {
                    // closed by the server: its answer is read below
                }
            });
            answer = readUntilClosed(socket);
            writer.join();
        }

        // With HTTP/2 on the class path Helidon took these bytes for no protocol and closed without a word.
        assertThat(answer).startsWith("HTTP/1.1 414 ").contains("Connection: close", "application/problem+json");
    }

    /** All the server sent until it closed; a reset (it closed with some of the request unread) ends it too. */
    private static String readUntilClosed(Socket socket) throws IOException {
        ByteArrayOutputStream received = new ByteArrayOutputStream();
        byte[] buffer = new byte[8192];
        try {
            for (int n; (n = socket.getInputStream().read(buffer)) != -1; ) {
                received.write(buffer, 0, n);
            }
        } catch (SocketException e) {
            // reset after the answer
        }
        return received.toString(StandardCharsets.ISO_8859_1);
    }

    @Test
    void withoutAConfiguredTokenOneIsGeneratedIntoAnOwnerOnlyFileAndWorks() throws Exception {
        start(Map.of());
        Path tokenFile = dataDir.resolve("admin-token");
        assertThat(Files.getPosixFilePermissions(tokenFile))
                .containsExactlyInAnyOrder(PosixFilePermission.OWNER_READ, PosixFilePermission.OWNER_WRITE);
        String generated = Files.readString(tokenFile).strip();
        assertThat(generated).hasSizeGreaterThan(40);
        assertThat(AdminClient.of(portico.adminPort(), generated).get("/v1/routes").statusCode()).isEqualTo(200);

        // A restart keeps the stored token and does not rewrite the file.
        portico.close();
        start(Map.of());
        assertThat(Files.readString(tokenFile).strip()).isEqualTo(generated);
        assertThat(AdminClient.of(portico.adminPort(), generated).get("/v1/routes").statusCode()).isEqualTo(200);
    }

    @Test
    void routesAndUpstreamsSurviveARestart() throws Exception {
        start(Map.of("PORTICO_ADMIN_TOKEN", TOKEN));
        AdminClient admin = AdminClient.of(portico.adminPort(), TOKEN);
        admin.put("/v1/upstreams/app", "{\"targets\":[{\"url\":\"" + upstream.url() + "\"}]}");
        admin.put("/v1/routes/all", "{\"upstream\":\"app\"}");
        portico.close();

        start(Map.of("PORTICO_ADMIN_TOKEN", TOKEN));
        assertThat(proxied("anything.test", "/x").body()).startsWith("app GET /x");
        assertThat(AdminClient.of(portico.adminPort(), TOKEN).get("/v1/routes/all").statusCode()).isEqualTo(200);
    }

    @Test
    void refusesToStartWhenAnAddressIsTakenAndNamesItAndItsVariable() throws Exception {
        try (ServerSocket taken = new ServerSocket(0, 50, InetAddress.getByName("127.0.0.1"))) {
            String address = "127.0.0.1:" + taken.getLocalPort();

            assertThatThrownBy(() -> start(Map.of("PORTICO_HTTPS_HOST", "127.0.0.1",
                    "PORTICO_HTTPS_PORT", String.valueOf(taken.getLocalPort()))))
                    .isInstanceOf(IllegalStateException.class)
                    .hasMessageStartingWith("cannot listen on " + address + " for the HTTPS (")
                    .hasMessageContaining("another port: PORTICO_HTTPS_PORT");
        }
        // nothing was left listening or holding the database: a second start on free ports works
        start(Map.of());
        assertThat(portico.httpPort()).isPositive();
    }

    @Test
    void anUnreachableUpstreamGivesA503AndPorticoKeepsServing() throws Exception {
        start(Map.of("PORTICO_ADMIN_TOKEN", TOKEN));
        AdminClient admin = AdminClient.of(portico.adminPort(), TOKEN);
        String deadUrl = upstream.url();
        upstream.close();
        admin.put("/v1/upstreams/dead", "{\"targets\":[{\"url\":\"" + deadUrl + "\"}]}");
        admin.put("/v1/routes/dead", "{\"upstream\":\"dead\"}");
        HttpResponse<String> response = proxied("example.com", "/");
        assertThat(response.statusCode()).isEqualTo(503);
        assertThat(response.body()).isEqualTo("503 Service Unavailable: no server is available to answer\n");
        upstream = new TestUpstream("app");
    }

    @Test
    void badSettingsAreAllReportedByName() {
        assertThatThrownBy(() -> Settings.fromEnvironment(Map.of(
                "PORTICO_HTTP_PORT", "http",
                "PORTICO_ADMIN_PORT", "70000",
                "PORTICO_ADMIN_HOST", "0.0.0.0",
                "PORTICO_ADMIN_TOKEN", "short")))
                .isInstanceOf(Settings.InvalidSettings.class)
                .hasMessageContaining("PORTICO_HTTP_PORT")
                .hasMessageContaining("PORTICO_ADMIN_PORT")
                .hasMessageContaining("PORTICO_ADMIN_HOST")
                .hasMessageContaining("PORTICO_ADMIN_TOKEN");
    }

    @Test
    void aNonLoopbackAdminListenerNeedsTheExplicitInsecureFlag() {
        Settings settings = Settings.fromEnvironment(Map.of("PORTICO_ADMIN_HOST", "0.0.0.0",
                "PORTICO_ADMIN_INSECURE", "true"));
        assertThat(settings.adminHost()).isEqualTo("0.0.0.0");
        assertThat(Set.of("127.0.0.1", "localhost", "::1")).allSatisfy(host ->
                assertThat(Settings.fromEnvironment(Map.of("PORTICO_ADMIN_HOST", host)).adminHost()).isEqualTo(host));
    }
}
