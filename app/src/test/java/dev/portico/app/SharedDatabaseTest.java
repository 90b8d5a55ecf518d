package dev.portico.app;

import org.awaitility.Awaitility;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.time.Duration;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.Map;
import java.util.concurrent.ThreadLocalRandom;
import java.util.function.IntPredicate;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Two Portico nodes on one PostgreSQL: a change made through either node's admin API reaches the other within
 * its poll interval. Runs against PORTICO_TEST_POSTGRES_URL if set, else the local server, in a schema of its own.
 */
class SharedDatabaseTest {
    private static final String TOKEN = "shared-database-token-0123456789";
    private static final String URL = System.getenv().getOrDefault("PORTICO_TEST_POSTGRES_URL",
            "jdbc:postgresql://127.0.0.1:5432/test");
    private static final String USER = System.getenv().getOrDefault("PORTICO_TEST_POSTGRES_USER", "postgres");
    private static final String PASSWORD = System.getenv().getOrDefault("PORTICO_TEST_POSTGRES_PASSWORD", "");

    private final HttpClient client = HttpClient.newHttpClient();
    private String schema;
    private TestUpstream upstream;
    private Portico first;
    private Portico second;

    @BeforeEach
    void createSchema(@TempDir Path firstDir, @TempDir Path secondDir) throws Exception {
        schema = "portico_test_" + HexFormat.of().toHexDigits(ThreadLocalRandom.current().nextLong());
        execute("CREATE SCHEMA " + schema);
        upstream = new TestUpstream("shared");
        first = start(firstDir);
        second = start(secondDir);
    }

    @AfterEach
    void dropSchema() throws SQLException {
        if (first != null) {
            first.close();
        }
        if (second != null) {
            second.close();
        }
        upstream.close();
        execute("DROP SCHEMA " + schema + " CASCADE");
    }

    private static void execute(String sql) throws SQLException {
        try (Connection connection = DriverManager.getConnection(URL, USER, PASSWORD)) {
            connection.createStatement().execute(sql);
        } catch (SQLException e) {
            throw new SQLException(e.getMessage() + " — start the local PostgreSQL with `pg_ctlcluster"
                    + " --skip-systemctl-redirect $(ls /etc/postgresql) main start` or set PORTICO_TEST_POSTGRES_URL", e);
        }
    }

    private Portico start(Path dataDir) {
        Map<String, String> env = new HashMap<>(Map.of(
                "PORTICO_DATA_DIR", dataDir.toString(),
                "PORTICO_HTTP_HOST", "127.0.0.1",
                "PORTICO_HTTP_PORT", "0",
                "PORTICO_HTTPS_PORT", "0",
                "PORTICO_ADMIN_PORT", "0",
                "PORTICO_ADMIN_TOKEN", TOKEN,
                "PORTICO_POLL_INTERVAL_MS", "100",
                "PORTICO_DATABASE_URL", URL + (URL.contains("?") ? "&" : "?") + "currentSchema=" + schema,
                "PORTICO_DATABASE_USER", USER,
                "PORTICO_DATABASE_PASSWORD", PASSWORD));
        return Portico.start(Settings.fromEnvironment(env));
    }

    private int status(Portico node, String path) throws Exception {
        return client.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + node.httpPort() + path)).build(),
                HttpResponse.BodyHandlers.discarding()).statusCode();
    }

    private void await(Portico node, String path, IntPredicate expected) {
        Awaitility.await().atMost(Duration.ofSeconds(10)).pollDelay(Duration.ZERO).pollInterval(Duration.ofMillis(20))
                .untilAsserted(() -> assertThat(status(node, path)).as("status of %s on the other node", path)
                        .matches(expected::test));
    }

    @Test
    void aChangeMadeOnOneNodeIsServedByTheOther() throws Exception {
        AdminClient onFirst = AdminClient.of(first.adminPort(), TOKEN);
        assertThat(onFirst.put("/v1/upstreams/app", "{\"targets\":[{\"url\":\"" + upstream.url() + "\"}]}")
                .statusCode()).isEqualTo(201);
        assertThat(onFirst.put("/v1/routes/app", "{\"pathPrefix\":\"/app/\",\"upstream\":\"app\"}").statusCode())
                .isEqualTo(201);
        assertThat(status(first, "/app/x")).isEqualTo(200);
        await(second, "/app/x", s -> s == 200);

        AdminClient onSecond = AdminClient.of(second.adminPort(), TOKEN);
        assertThat(onSecond.get("/v1/routes/app").statusCode()).isEqualTo(200);
        assertThat(onSecond.delete("/v1/routes/app").statusCode()).isEqualTo(204);
        assertThat(status(second, "/app/x")).isEqualTo(404);
        await(first, "/app/x", s -> s == 404);
    }
}
