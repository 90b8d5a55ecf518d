package dev.portico.persistence;

import org.testcontainers.DockerClientFactory;
import org.testcontainers.postgresql.PostgreSQLContainer;

import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.HexFormat;
import java.util.Optional;
import java.util.concurrent.ThreadLocalRandom;

/**
 * Finds the PostgreSQL the tests run against and gives each test its own schema in it, so that runs (and tests)
 * never see each other's data. In order: the server named by {@code PORTICO_TEST_POSTGRES_URL} (with
 * {@code _USER} and {@code _PASSWORD}); a Testcontainers PostgreSQL when Docker is there; the local server at
 * 127.0.0.1:5432. When none answers, the tests fail saying how to start one: a database test that skips proves
 * nothing.
 */
final class PostgresTestDatabase {
    private static final String HOW_TO_START = "Start the local PostgreSQL with"
            + " `pg_ctlcluster --skip-systemctl-redirect $(ls /etc/postgresql) main start`,"
            + " or set PORTICO_TEST_POSTGRES_URL (and PORTICO_TEST_POSTGRES_USER, PORTICO_TEST_POSTGRES_PASSWORD)"
            + " to a server the tests may create schemas in.";

    /** The server, found once per test JVM. */
    private static Server server;

    private PostgresTestDatabase() {
    }

    /** A schema of one test's own, with settings pointing the connection (and Flyway) at it. */
    record Schema(Server server, String name, DatabaseSettings settings) implements AutoCloseable {
        @Override
        public void close() {
            server.execute("DROP SCHEMA " + name + " CASCADE");
        }
    }

    record Server(String url, String user, String password) {
        void execute(String sql) {
            try (Connection connection = DriverManager.getConnection(url, user, password);
                 Statement statement = connection.createStatement()) {
                statement.execute(sql);
            } catch (SQLException e) {
                String reason = e.getMessage().endsWith(".") ? e.getMessage() : e.getMessage() + ".";
                throw new IllegalStateException("Could not run '" + sql + "' on the PostgreSQL at "
                        + Redaction.url(url) + " as " + user + ": " + reason + " " + HOW_TO_START, e);
            }
        }
    }

    static Schema createSchema() {
        Server target = server();
        String name = "portico_test_" + HexFormat.of().toHexDigits(ThreadLocalRandom.current().nextLong());
        target.execute("CREATE SCHEMA " + name);
        String url = target.url() + (target.url().contains("?") ? "&" : "?") + "currentSchema=" + name;
        return new Schema(target, name, new DatabaseSettings(url, target.user(), target.password()));
    }

    private static synchronized Server server() {
        if (server == null) {
            server = fromEnvironment().or(PostgresTestDatabase::fromDocker).orElseGet(
                    () -> new Server("jdbc:postgresql://127.0.0.1:5432/test", "postgres", ""));
        }
        return server;
    }

    private static Optional<Server> fromEnvironment() {
        return Optional.ofNullable(System.getenv("PORTICO_TEST_POSTGRES_URL")).map(url -> new Server(url,
                Optional.ofNullable(System.getenv("PORTICO_TEST_POSTGRES_USER")).orElse("postgres"),
                Optional.ofNullable(System.getenv("PORTICO_TEST_POSTGRES_PASSWORD")).orElse("")));
    }

    private static Optional<Server> fromDocker() {
        // Testcontainers' probe tries every strategy it knows, logging each failure; where there is plainly no
        // Docker it only costs time and noise.
        if (!dockerMayBeThere() || !DockerClientFactory.instance().isDockerAvailable()) {
            return Optional.empty();
        }
        @SuppressWarnings("resource") // Testcontainers' reaper stops it when the test JVM ends
        PostgreSQLContainer container = new PostgreSQLContainer("postgres:15-alpine");
        container.start();
        return Optional.of(new Server(container.getJdbcUrl(), container.getUsername(), container.getPassword()));
    }

    private static boolean dockerMayBeThere() {
        return System.getenv("DOCKER_HOST") != null
                || Files.exists(Path.of("/var/run/docker.sock"))
                || Files.exists(Path.of(System.getProperty("user.home"), ".testcontainers.properties"));
    }
}
