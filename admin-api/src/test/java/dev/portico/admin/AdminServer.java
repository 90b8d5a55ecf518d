package dev.portico.admin;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.portico.domain.fakes.InMemoryAuditLog;
import dev.portico.domain.fakes.InMemoryConfigStore;
import dev.portico.domain.fakes.InMemoryTokenStore;
import dev.portico.domain.port.ConfigStore;
import dev.portico.domain.service.AdminTokens;
import dev.portico.domain.service.AuditTrail;
import dev.portico.domain.service.ConfigurationService;
import dev.portico.domain.service.Routing;
import io.helidon.webserver.WebServer;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpHeaders;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.util.Optional;

/**
 * The admin API on a real Helidon server on an ephemeral port, wired to the real domain services over the in-memory
 * fakes, with a real HTTP client that sends the admin token unless told otherwise.
 */
final class AdminServer implements AutoCloseable {
    static final String SECRET = "test-secret";
    private static final ObjectMapper JSON = new ObjectMapper();

    final ConfigStore store;
    final Routing routing;
    final InMemoryTokenStore tokenStore;
    final AdminTokens tokens;
    final InMemoryAuditLog auditLog;
    final AdminApi api;
    final FakeCertificates certificates;
    final WebServer server;
    final HttpClient client = HttpClient.newBuilder()
            .version(HttpClient.Version.HTTP_1_1)
            .connectTimeout(Duration.ofSeconds(10))
            .build();

    private AdminServer(ConfigStore store, Clock clock) {
        this.store = store;
        this.routing = new Routing(store);
        if (store instanceof InMemoryConfigStore inMemory) {
            // As in the database: token changes land in the same audit log as configuration changes.
            this.auditLog = inMemory.auditLog();
            this.tokenStore = new InMemoryTokenStore(inMemory, clock);
        } else {
            this.auditLog = new InMemoryAuditLog();
            this.tokenStore = new InMemoryTokenStore();
        }
        this.tokens = new AdminTokens(tokenStore, clock);
        this.certificates = new FakeCertificates();
        ConfigurationService configuration = new ConfigurationService(store, routing);
        tokens.bootstrap(Optional.of(SECRET));
        this.api = AdminApi.create(new AdminApi.Ports(configuration, configuration, configuration, tokens, tokens,
                new AuditTrail(auditLog), routing, certificates), clock);
        this.server = WebServer.builder()
                .host("127.0.0.1")
                .port(0)
                .update(api::configure)
                .routing(api::register)
                .build()
                .start();
    }

    static AdminServer start() {
        return new AdminServer(new InMemoryConfigStore(), Clock.systemUTC());
    }

    static AdminServer start(ConfigStore store) {
        return new AdminServer(store, Clock.systemUTC());
    }

    /** With a clock the test controls: it times audit entries and the throttling of failed authentications. */
    static AdminServer start(Clock clock) {
        return new AdminServer(new InMemoryConfigStore(new InMemoryAuditLog(), clock), clock);
    }

    URI uri(String path) {
        return URI.create("http://127.0.0.1:" + server.port() + path);
    }

    HttpRequest.Builder request(String path) {
        return HttpRequest.newBuilder(uri(path))
                .timeout(Duration.ofSeconds(30))
                .header("Authorization", "Bearer " + SECRET);
    }

    Reply get(String path) {
        return send(request(path).GET());
    }

    Reply put(String path, String json) {
        return send(request(path)
                .header("Content-Type", "application/json")
                .PUT(HttpRequest.BodyPublishers.ofString(json)));
    }

    Reply delete(String path) {
        return send(request(path).DELETE());
    }

    Reply send(HttpRequest.Builder request) {
        return send(request.build());
    }

    Reply send(HttpRequest request) {
        try {
            HttpResponse<byte[]> response = client.send(request, HttpResponse.BodyHandlers.ofByteArray());
            return new Reply(response.statusCode(), response.headers(), response.body());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    @Override
    public void close() {
        server.stop();
        client.close();
    }

    /** An answer as the client saw it. */
    record Reply(int status, HttpHeaders headers, byte[] bytes) {

        String body() {
            return new String(bytes, StandardCharsets.UTF_8);
        }

        JsonNode json() {
            try {
                return JSON.readTree(bytes);
            } catch (IOException e) {
                throw new UncheckedIOException("not JSON: " + body(), e);
            }
        }

        String header(String name) {
            return headers.firstValue(name).orElse(null);
        }

        String contentType() {
            return header("Content-Type");
        }

        @Override
        public String toString() {
            return status + " " + headers.map() + " " + body();
        }
    }
}
