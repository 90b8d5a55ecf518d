package dev.portico.admin;

import dev.portico.domain.balancing.Selection;
import dev.portico.domain.health.RequestOutcome;
import dev.portico.domain.health.TargetKey;
import dev.portico.domain.model.RequestKey;
import dev.portico.domain.routing.ResolvedRoute;

import com.fasterxml.jackson.databind.JsonNode;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.time.Instant;
import java.util.HashSet;
import java.util.Set;

import static dev.portico.admin.Problems.assertProblem;
import static dev.portico.admin.Problems.fields;
import static org.assertj.core.api.Assertions.assertThat;

/** The upstream settings of issue 5 through the API, and {@code GET /v1/upstreams/{name}/health}. */
class UpstreamHealthEndpointTest {
    private static final String TUNED = """
            {"targets":[{"url":"http://127.0.0.1:9001","weight":3,"maxConnections":100},
                        {"url":"http://127.0.0.1:9002","drain":true}],
             "policy":"hash","hashOn":"header:X-User",
             "healthCheck":{"path":"/healthz","intervalMs":500},
             "passive":{"maxFailures":5,"count5xx":true},
             "retries":{"attempts":1}}""";

    private final AdminServer server = AdminServer.start();

    @AfterEach
    void stop() {
        server.close();
    }

    @Test
    void anUpstreamShowsEverySettingAsWrittenWithTheDefaultsFilledIn() {
        AdminServer.Reply created = server.put("/v1/upstreams/app", TUNED);

        assertThat(created.status()).isEqualTo(201);
        JsonNode json = server.get("/v1/upstreams/app").json();
        assertThat(json.path("targets").get(0).path("maxConnections").asInt()).isEqualTo(100);
        assertThat(json.path("targets").get(0).path("drain").asBoolean()).isFalse();
        assertThat(json.path("targets").get(1).path("drain").asBoolean()).isTrue();
        assertThat(json.path("policy").asText()).isEqualTo("hash");
        assertThat(json.path("hashOn").asText()).isEqualTo("header:X-User");
        assertThat(json.path("healthCheck").toString()).isEqualTo("{\"path\":\"/healthz\",\"intervalMs\":500,"
                + "\"timeoutMs\":500,\"healthyAfter\":2,\"unhealthyAfter\":2,\"expectStatus\":\"200-399\"}");
        assertThat(json.path("passive").toString()).isEqualTo("{\"maxFailures\":5,\"windowMs\":10000,\"ejectMs\":1000,"
                + "\"maxEjectMs\":10000,\"count5xx\":true}");
        assertThat(json.path("retries").toString()).isEqualTo("{\"attempts\":1,\"totalTimeoutMs\":10000}");
        // Sent back as shown, it is the same upstream.
        AdminServer.Reply again = server.put("/v1/upstreams/app", json.toString());
        assertThat(again.status()).isEqualTo(200);
        assertThat(again.json()).isEqualTo(json);
    }

    @Test
    void anUpstreamWithoutSettingsShowsNoHashOnNorHealthCheck() {
        JsonNode json = server.put("/v1/upstreams/app", "{\"targets\":[{\"url\":\"http://127.0.0.1:9001\"}]}").json();

        assertThat(json.has("hashOn")).isFalse();
        assertThat(json.has("healthCheck")).isFalse();
        assertThat(json.path("policy").asText()).isEqualTo("round_robin");
    }

    @Test
    void invalidSettingsAre400NamingEachFieldAndNothingIsStored() {
        AdminServer.Reply refused = server.put("/v1/upstreams/app", """
                {"targets":[{"url":"http://127.0.0.1:9001","maxConnections":-1}],"policy":"fastest",
                 "healthCheck":{"path":"healthz","expectStatus":"2xx"},"passive":{"windowMs":0},
                 "retries":{"attempts":99}}""");

        assertProblem(refused, 400);
        assertThat(fields(refused)).containsExactly("targets[0].maxConnections", "policy", "healthCheck.path",
                "healthCheck.expectStatus", "passive.windowMs", "retries.attempts");
        assertThat(server.store.upstream("app")).isEmpty();
    }

    @Test
    void aDrainedTargetGetsNoNewRequestsOnceTheAdminApiSaysSo() {
        server.put("/v1/upstreams/app", """
                {"targets":[{"url":"http://127.0.0.1:9001"},{"url":"http://127.0.0.1:9002"}]}""");
        server.put("/v1/routes/web", "{\"upstream\":\"app\"}");
        ResolvedRoute route = (ResolvedRoute) server.routing.resolve("example.com", "/");
        Selection.Chosen longRequest = (Selection.Chosen) route.balancer().select(RequestKey.NONE);
        assertThat(longRequest.target().port()).isEqualTo(9001);

        server.put("/v1/upstreams/app", """
                {"targets":[{"url":"http://127.0.0.1:9001","drain":true},{"url":"http://127.0.0.1:9002"}]}""");

        ResolvedRoute live = (ResolvedRoute) server.routing.resolve("example.com", "/");
        Set<Integer> ports = new HashSet<>();
        for (int i = 0; i < 50; i++) {
            Selection.Chosen chosen = (Selection.Chosen) live.balancer().select(RequestKey.NONE);
            ports.add(chosen.target().port());
            chosen.lease().release(RequestOutcome.SUCCESS);
        }
        assertThat(ports).containsExactly(9002);
        JsonNode draining = server.get("/v1/upstreams/app/health").json().path("targets").get(0);
        assertThat(draining.path("state").asText()).isEqualTo("draining");
        assertThat(draining.path("inFlight").asInt()).as("the request begun before the drain").isEqualTo(1);
        longRequest.lease().release(RequestOutcome.SUCCESS);
        assertThat(server.get("/v1/upstreams/app/health").json().path("targets").get(0).path("inFlight").asInt()).isZero();
    }

    @Test
    void healthShowsEachTargetsStateSinceWhenWhyAndRequestsInFlight() {
        server.put("/v1/upstreams/app", TUNED);
        Instant before = Instant.now();
        server.routing.states().setStatus(new TargetKey("app", "http://127.0.0.1:9001"), false,
                "GET /healthz answered 503");

        AdminServer.Reply reply = server.get("/v1/upstreams/app/health");

        assertThat(reply.status()).isEqualTo(200);
        assertThat(reply.json().path("upstream").asText()).isEqualTo("app");
        JsonNode first = reply.json().path("targets").get(0);
        assertThat(first.path("url").asText()).isEqualTo("http://127.0.0.1:9001");
        assertThat(first.path("state").asText()).isEqualTo("unhealthy");
        assertThat(first.path("reason").asText()).isEqualTo("GET /healthz answered 503");
        assertThat(Instant.parse(first.path("since").asText())).isAfterOrEqualTo(before.minusMillis(1));
        assertThat(first.path("inFlight").asInt()).isZero();
        assertThat(first.has("until")).isFalse();
        assertThat(reply.json().path("targets").get(1).path("state").asText()).isEqualTo("draining");
    }

    @Test
    void healthOfAnUnknownUpstreamIs404() {
        assertProblem(server.get("/v1/upstreams/none/health"), 404);
    }
}
