package dev.portico.admin;

import com.fasterxml.jackson.databind.JsonNode;
import dev.portico.domain.model.TokenScope;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.net.http.HttpRequest;
import java.time.Duration;
import java.time.Instant;

import static dev.portico.admin.Problems.assertProblem;
import static dev.portico.admin.Problems.fields;
import static org.assertj.core.api.Assertions.assertThat;

/** {@code /v1/audit}: who changed what, when, newest first. */
class AuditEndpointTest {
    private static final Instant START = Instant.parse("2026-03-01T10:00:00Z");

    private final MutableClock clock = new MutableClock(START);
    private final AdminServer server = AdminServer.start(clock);

    @AfterEach
    void stop() {
        server.close();
    }

    @Test
    void everyCommittedChangeIsListedNewestFirstWithWhenWhoWhatAndASummary() {
        server.put("/v1/upstreams/app", "{\"targets\":[{\"url\":\"http://127.0.0.1:9001\"}]}");
        clock.advance(Duration.ofMinutes(1));
        server.put("/v1/upstreams/app",
                "{\"targets\":[{\"url\":\"http://127.0.0.1:9001\"},{\"url\":\"http://127.0.0.1:9002\"}]}");
        server.put("/v1/routes/api", "{\"upstream\":\"app\",\"pathPrefix\":\"/api/\"}");
        server.put("/v1/routes/api", "{\"upstream\":\"app\",\"pathPrefix\":\"/v2/\"}");
        server.put("/v1/routes/bad", "{\"upstream\":\"nowhere\"}");
        server.delete("/v1/routes/api");
        server.put("/v1/config", "{\"upstreams\":{},\"routes\":{}}");

        AdminServer.Reply reply = server.get("/v1/audit");

        assertThat(reply.status()).isEqualTo(200);
        JsonNode audit = reply.json();
        assertThat(audit).hasSize(6);
        assertThat(audit.findValuesAsText("summary")).containsExactly(
                "removed upstreams app", "deleted", "pathPrefix /api/ -> /v2/", "created: /api/ -> app",
                "targets 1 -> 2", "created: 1 target");
        assertThat(audit.findValuesAsText("resource")).containsExactly(
                "config", "routes/api", "routes/api", "routes/api", "upstreams/app", "upstreams/app");
        assertThat(audit.findValuesAsText("method")).containsExactly("PUT", "DELETE", "PUT", "PUT", "PUT", "PUT");
        assertThat(audit.findValuesAsText("token")).containsOnly("admin");
        assertThat(audit.get(0).path("revision").asLong()).isEqualTo(6);
        assertThat(audit.get(5).path("at").asText()).isEqualTo("2026-03-01T10:00:00Z");
        assertThat(audit.get(4).path("at").asText()).isEqualTo("2026-03-01T10:01:00Z");
    }

    @Test
    void theLimitKeepsTheNewest() {
        for (int i = 0; i < 5; i++) {
            server.put("/v1/upstreams/u" + i, "{\"targets\":[{\"url\":\"http://127.0.0.1:9001\"}]}");
        }

        JsonNode audit = server.get("/v1/audit?limit=2").json();

        assertThat(audit.findValuesAsText("resource")).containsExactly("upstreams/u4", "upstreams/u3");
    }

    @ParameterizedTest
    @ValueSource(strings = {"0", "1001", "-1", "ten", "1.5", "", "99999999999"})
    void aLimitOutsideOneToAThousandIs400NamingIt(String limit) {
        AdminServer.Reply refused = server.get("/v1/audit?limit=" + limit);

        assertProblem(refused, 400);
        assertThat(fields(refused)).containsExactly("limit");
    }

    @Test
    void aReadTokenMayReadTheAuditLog() {
        server.tokenStore.save(server.tokens.token("auditor", "auditor-secret", TokenScope.READ));
        server.tokens.reload();

        AdminServer.Reply reply = server.send(HttpRequest.newBuilder(server.uri("/v1/audit"))
                .header("Authorization", "Bearer auditor-secret").GET());

        assertThat(reply.status()).isEqualTo(200);
    }
}
