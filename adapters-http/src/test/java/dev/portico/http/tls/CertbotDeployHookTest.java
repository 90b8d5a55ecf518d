package dev.portico.http.tls;

import dev.portico.domain.model.CertificateOrigin;

import com.sun.net.httpserver.HttpServer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Queue;
import java.util.concurrent.ConcurrentLinkedQueue;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.tuple;

/**
 * The real scripts/certbot-deploy-hook, run as certbot runs it (environment variables, /bin/sh), against a fake
 * admin API on 127.0.0.1 that records what it receives and answers as told.
 */
class CertbotDeployHookTest {
    private static final Path HOOK = Path.of("..", "scripts", "certbot-deploy-hook").toAbsolutePath().normalize();
    private static final String TOKEN = "hook-token-0123456789abcdef";
    private static TestPki pki;

    @TempDir
    Path directory;

    private final Queue<Received> received = new ConcurrentLinkedQueue<>();
    private final Map<String, Answer> answers = new HashMap<>();
    private HttpServer admin;
    private CertbotLayout letsencrypt;
    private TestPki.Leaf leaf;
    private Path lineage;

    record Received(String method, String path, String authorization, String contentType, String body) {
    }

    record Answer(int status, String contentType, String body) {
    }

    @BeforeAll
    static void authority() {
        pki = TestPki.create();
    }

    @BeforeEach
    void start() throws IOException {
        admin = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        admin.createContext("/", exchange -> {
            String body = new String(exchange.getRequestBody().readAllBytes(), StandardCharsets.UTF_8);
            String path = exchange.getRequestURI().getPath();
            received.add(new Received(exchange.getRequestMethod(), path,
                    exchange.getRequestHeaders().getFirst("Authorization"),
                    exchange.getRequestHeaders().getFirst("Content-Type"), body));
            Answer answer = answers.getOrDefault(exchange.getRequestMethod() + " " + path,
                    new Answer(200, "application/json", "{}"));
            byte[] bytes = answer.body().getBytes(StandardCharsets.UTF_8);
            exchange.getResponseHeaders().add("Content-Type", answer.contentType());
            exchange.sendResponseHeaders(answer.status(), bytes.length);
            try (OutputStream out = exchange.getResponseBody()) {
                out.write(bytes);
            }
        });
        admin.start();
        letsencrypt = new CertbotLayout(directory.resolve("letsencrypt"));
        leaf = pki.leaf(TestPki.KeyKind.EC, "example.com", "www.example.com");
        lineage = letsencrypt.issue("example.com", leaf);
    }

    @AfterEach
    void stop() {
        admin.stop(0);
    }

    @Test
    void registersTheLineageByItsPathsAndAsksForAReload() throws Exception {
        Openssl.Result result = hook(Map.of("PORTICO_ADMIN_URL", adminUrl(), "PORTICO_ADMIN_TOKEN", TOKEN,
                "PORTICO_HOOK_CONFIG", emptyConfig().toString()));

        assertThat(result.exitCode()).as(result.stderr()).isZero();
        assertThat(result.stdout()).contains("reloaded certificate example.com (example.com www.example.com)");
        assertThat(received).extracting(Received::method, Received::path, Received::authorization).containsExactly(
                tuple("PUT", "/v1/certificates/example.com", "Bearer " + TOKEN),
                tuple("POST", "/v1/certificates/example.com/reload", "Bearer " + TOKEN));
        Received put = received.peek();
        assertThat(put.contentType()).isEqualTo("application/json");
        Map<String, String> json = FlatJson.parse(put.body());
        assertThat(json).containsOnlyKeys("certFile", "keyFile");
        assertThat(json.get("certFile")).isEqualTo(lineage.resolve("fullchain.pem").toString());
        assertThat(json.get("keyFile")).isEqualTo(lineage.resolve("privkey.pem").toString());
        assertThat(CertificateBundle.load("example.com", new CertificateOrigin.Files(json.get("certFile"),
                json.get("keyFile")), Instant.now())).isInstanceOf(LoadOutcome.Loaded.class);
    }

    /** The environment names the admin URL, the config file the token and the mode; the environment wins. */
    @Test
    void uploadsThePemContentWithSettingsFromTheConfigFile() throws Exception {
        Path config = Files.writeString(directory.resolve("certbot-hook.conf"), """
                # Portico certbot hook
                PORTICO_ADMIN_URL=http://127.0.0.1:1
                PORTICO_ADMIN_TOKEN="%s"
                  PORTICO_HOOK_MODE = upload
                """.formatted(TOKEN));

        Openssl.Result result = hook(Map.of("PORTICO_ADMIN_URL", adminUrl(), "PORTICO_HOOK_CONFIG", config.toString()));

        assertThat(result.exitCode()).as(result.stderr()).isZero();
        assertThat(received).hasSize(1);
        Received put = received.peek();
        assertThat(put.method() + " " + put.path()).isEqualTo("PUT /v1/certificates/example.com");
        assertThat(put.authorization()).isEqualTo("Bearer " + TOKEN);
        Map<String, String> json = FlatJson.parse(put.body());
        assertThat(json.get("certPem")).isEqualTo(Files.readString(lineage.resolve("fullchain.pem")));
        assertThat(json.get("keyPem")).isEqualTo(Files.readString(lineage.resolve("privkey.pem")));
        LoadOutcome uploaded = CertificateBundle.load("example.com",
                new CertificateOrigin.Inline(json.get("certPem"), json.get("keyPem")), Instant.now());
        assertThat(uploaded).isInstanceOfSatisfying(LoadOutcome.Loaded.class, loaded ->
                assertThat(loaded.bundle().leaf()).isEqualTo(leaf.certificate()));
    }

    /** PEM saved by a Windows editor, with a note in quotes and a backslash path above it, arrives byte for byte. */
    @Test
    void uploadsPemTextExactlyWhateverItsLineEndingsAndNotes() throws Exception {
        String fullchain = ("Certificate for \"example.com\" from C:\\certs\\example\t(tab)\n" + leaf.fullchainPem())
                .replace("\n", "\r\n");
        lineage = letsencrypt.issue("example.com", leaf.certificatePem(), "", fullchain, leaf.keyPem());

        Openssl.Result result = hook(Map.of("PORTICO_ADMIN_URL", adminUrl(), "PORTICO_ADMIN_TOKEN", TOKEN,
                "PORTICO_HOOK_MODE", "upload", "PORTICO_HOOK_CONFIG", emptyConfig().toString()));

        assertThat(result.exitCode()).as(result.stderr()).isZero();
        Map<String, String> json = FlatJson.parse(received.peek().body());
        assertThat(json.get("certPem")).isEqualTo(fullchain);
        assertThat(CertificateBundle.load("example.com", new CertificateOrigin.Inline(json.get("certPem"),
                json.get("keyPem")), Instant.now())).isInstanceOf(LoadOutcome.Loaded.class);
    }

    @Test
    void exitsNonZeroWithPorticosReasonWhenPorticoRefuses() throws Exception {
        answers.put("PUT /v1/certificates/example.com", new Answer(422, "application/problem+json",
                "{\"status\":422,\"title\":\"Certificate refused\",\"detail\":\"the certificate CN=example.com"
                        + " expired at 2026-01-01T00:00:00Z\"}"));

        Openssl.Result result = hook(Map.of("PORTICO_ADMIN_URL", adminUrl(), "PORTICO_ADMIN_TOKEN", TOKEN,
                "PORTICO_HOOK_CONFIG", emptyConfig().toString()));

        assertThat(result.exitCode()).isEqualTo(1);
        assertThat(result.stderr()).contains("portico certbot hook: Portico refused certificate example.com"
                + " (example.com www.example.com): HTTP 422 on PUT /v1/certificates/example.com: the certificate"
                + " CN=example.com expired at 2026-01-01T00:00:00Z\n");
        assertThat(result.stderr()).contains("Portico answered: {\"status\":422,");
        assertThat(received).extracting(Received::method).containsExactly("PUT");
    }

    @Test
    void exitsWithStatusTwoWhenPorticoCannotBeReached() throws Exception {
        int closedPort;
        try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            closedPort = socket.getLocalPort();
        }

        Openssl.Result result = hook(Map.of("PORTICO_ADMIN_URL", "http://127.0.0.1:" + closedPort,
                "PORTICO_ADMIN_TOKEN", TOKEN, "PORTICO_HOOK_CONFIG", emptyConfig().toString()));

        assertThat(result.exitCode()).isEqualTo(2);
        assertThat(result.stderr()).contains("cannot reach Portico at http://127.0.0.1:" + closedPort);
    }

    @Test
    void exitsWithStatusTwoWithoutAToken() throws Exception {
        Openssl.Result result = hook(Map.of("PORTICO_ADMIN_URL", adminUrl(),
                "PORTICO_HOOK_CONFIG", emptyConfig().toString()));

        assertThat(result.exitCode()).isEqualTo(2);
        assertThat(result.stderr()).contains("PORTICO_ADMIN_TOKEN is not set (neither in the environment nor in "
                + emptyConfig() + ")");
        assertThat(received).isEmpty();
    }

    /** Runs the hook with only certbot's variables and {@code settings} in its environment. */
    private Openssl.Result hook(Map<String, String> settings) {
        Map<String, String> environment = new LinkedHashMap<>();
        environment.put("RENEWED_LINEAGE", lineage.toString());
        environment.put("RENEWED_DOMAINS", "example.com www.example.com");
        environment.putAll(settings);
        return Hook.run(HOOK, directory, environment);
    }

    private Path emptyConfig() throws IOException {
        Path config = directory.resolve("empty.conf");
        if (!Files.exists(config)) {
            Files.writeString(config, "");
        }
        return config;
    }

    private String adminUrl() {
        return "http://127.0.0.1:" + admin.getAddress().getPort();
    }

    /** The hook as certbot starts it: its own executable, an environment with nothing inherited but PATH. */
    static final class Hook {
        private Hook() {
        }

        static Openssl.Result run(Path script, Path directory, Map<String, String> environment) {
            ProcessBuilder builder = new ProcessBuilder(script.toString()).directory(directory.toFile());
            String path = builder.environment().get("PATH");
            builder.environment().clear();
            builder.environment().put("PATH", path);
            builder.environment().putAll(environment);
            return Openssl.exec(builder);
        }
    }

    /** Just enough JSON to read the hook's flat object of strings back, escapes included. */
    static final class FlatJson {
        private FlatJson() {
        }

        static Map<String, String> parse(String json) {
            Map<String, String> fields = new LinkedHashMap<>();
            int[] at = {skipBlanks(json, 0)};
            expect(json, at, '{');
            while (true) {
                String key = string(json, at);
                expect(json, at, ':');
                fields.put(key, string(json, at));
                at[0] = skipBlanks(json, at[0]);
                if (json.charAt(at[0]) == '}') {
                    assertThat(json.substring(at[0] + 1).strip()).as("after the object").isEmpty();
                    return fields;
                }
                expect(json, at, ',');
            }
        }

        private static String string(String json, int[] at) {
            expect(json, at, '"');
            StringBuilder value = new StringBuilder();
            for (char c = json.charAt(at[0]++); c != '"'; c = json.charAt(at[0]++)) {
                assertThat(c).as("a raw control character in a JSON string").isGreaterThanOrEqualTo(' ');
                if (c != '\\') {
                    value.append(c);
                    continue;
                }
                char escaped = json.charAt(at[0]++);
                switch (escaped) {
                    case 'n' -> value.append('\n');
                    case 't' -> value.append('\t');
                    case 'r' -> value.append('\r');
                    case '"', '\\', '/' -> value.append(escaped);
                    case 'u' -> {
                        value.append((char) Integer.parseInt(json.substring(at[0], at[0] + 4), 16));
                        at[0] += 4;
                    }
                    default -> throw new AssertionError("invalid JSON escape \\" + escaped);
                }
            }
            return value.toString();
        }

        private static void expect(String json, int[] at, char expected) {
            at[0] = skipBlanks(json, at[0]);
            assertThat(json.charAt(at[0])).as("JSON at %d of %s", at[0], json).isEqualTo(expected);
            at[0]++;
        }

        private static int skipBlanks(String json, int from) {
            int at = from;
            while (at < json.length() && Character.isWhitespace(json.charAt(at))) {
                at++;
            }
            return at;
        }
    }
}
