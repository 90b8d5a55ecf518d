package dev.portico.admin;

import dev.portico.domain.model.Configuration;
import dev.portico.domain.routing.RoutingDecision;

import com.fasterxml.jackson.databind.JsonNode;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.net.http.HttpRequest;

import static dev.portico.admin.Problems.assertProblem;
import static dev.portico.admin.Problems.fields;
import static org.assertj.core.api.Assertions.assertThat;

/** ETags, If-Match and If-None-Match on the single-resource endpoints: changes that cannot clobber each other. */
class ConditionalWritesTest {
    private static final String ONE = "{\"targets\":[{\"url\":\"http://127.0.0.1:9001\"}]}";
    private static final String TWO =
            "{\"targets\":[{\"url\":\"http://127.0.0.1:9001\"},{\"url\":\"http://127.0.0.1:9002\"}]}";

    private final AdminServer server = AdminServer.start();

    @AfterEach
    void stop() {
        server.close();
    }

    AdminServer.Reply put(String path, String json, String header, String value) {
        return server.send(server.request(path)
                .header("Content-Type", "application/json")
                .header(header, value)
                .PUT(HttpRequest.BodyPublishers.ofString(json)));
    }

    AdminServer.Reply delete(String path, String ifMatch) {
        return server.send(server.request(path).header("If-Match", ifMatch).DELETE());
    }

    @Test
    void everyResourceAnswersWithAnETagThatIsTheRevisionItWasLastWrittenAt() {
        AdminServer.Reply created = server.put("/v1/upstreams/app", ONE);
        server.put("/v1/upstreams/other", ONE);
        AdminServer.Reply route = server.put("/v1/routes/api", "{\"upstream\":\"app\"}");

        assertThat(created.header("ETag")).isEqualTo("\"1\"");
        assertThat(created.header("Portico-Revision")).isEqualTo("1");
        assertThat(route.header("ETag")).isEqualTo("\"3\"");
        assertThat(server.get("/v1/upstreams/app").header("ETag")).isEqualTo("\"1\"");
        assertThat(server.get("/v1/upstreams/other").header("ETag")).isEqualTo("\"2\"");
        assertThat(server.get("/v1/routes/api").header("ETag")).isEqualTo("\"3\"");

        AdminServer.Reply replaced = server.put("/v1/upstreams/app", TWO);
        assertThat(replaced.header("ETag")).isEqualTo("\"4\"");
        assertThat(server.get("/v1/upstreams/app").header("ETag")).isEqualTo("\"4\"");
        assertThat(server.get("/v1/upstreams/other").header("ETag")).as("untouched").isEqualTo("\"2\"");
    }

    @Test
    void aPutWithTheCurrentETagReplaces() {
        String etag = server.put("/v1/upstreams/app", ONE).header("ETag");

        AdminServer.Reply replaced = put("/v1/upstreams/app", TWO, "If-Match", etag);

        assertThat(replaced.status()).isEqualTo(200);
        assertThat(replaced.json().path("targets")).hasSize(2);
    }

    @Test
    void aPutWithAStaleETagIs412WritesNothingAndTellsTheCurrentETag() {
        String stale = server.put("/v1/upstreams/app", ONE).header("ETag");
        server.put("/v1/upstreams/app", TWO);
        Configuration before = server.store.load();

        AdminServer.Reply refused = put("/v1/upstreams/app", ONE, "If-Match", stale);

        JsonNode problem = assertProblem(refused, 412);
        assertThat(problem.path("detail").asText()).contains("'app'", "\"2\"");
        assertThat(refused.header("ETag")).isEqualTo("\"2\"");
        assertThat(refused.header("Portico-Revision")).isNull();
        assertThat(server.store.load()).isEqualTo(before);
    }

    @Test
    void ifMatchMayListSeveralETags() {
        server.put("/v1/upstreams/app", ONE);

        assertThat(put("/v1/upstreams/app", TWO, "If-Match", "\"7\", \"1\"").status()).isEqualTo(200);
        assertProblem(put("/v1/upstreams/app", ONE, "If-Match", "\"7\", \"1\""), 412);
    }

    @Test
    void ifMatchStarRequiresTheResourceToExist() {
        AdminServer.Reply refused = put("/v1/upstreams/app", ONE, "If-Match", "*");

        assertProblem(refused, 412);
        assertThat(refused.header("ETag")).isNull();
        assertThat(server.store.upstreams()).isEmpty();
        server.put("/v1/upstreams/app", ONE);
        assertThat(put("/v1/upstreams/app", TWO, "If-Match", "*").status()).isEqualTo(200);
    }

    @Test
    void ifNoneMatchStarCreatesOnlyAndNeverReplaces() {
        AdminServer.Reply created = put("/v1/upstreams/app", ONE, "If-None-Match", "*");
        AdminServer.Reply again = put("/v1/upstreams/app", TWO, "If-None-Match", "*");

        assertThat(created.status()).isEqualTo(201);
        JsonNode problem = assertProblem(again, 412);
        assertThat(problem.path("detail").asText()).contains("exists");
        assertThat(server.get("/v1/upstreams/app").json().path("targets")).hasSize(1);
    }

    @Test
    void routesTakeTheSamePreconditions() {
        server.put("/v1/upstreams/app", ONE);
        String etag = put("/v1/routes/api", "{\"upstream\":\"app\"}", "If-None-Match", "*").header("ETag");

        assertProblem(put("/v1/routes/api", "{\"upstream\":\"app\"}", "If-None-Match", "*"), 412);
        assertThat(put("/v1/routes/api", "{\"upstream\":\"app\",\"pathPrefix\":\"/v2/\"}", "If-Match", etag).status())
                .isEqualTo(200);
        assertProblem(put("/v1/routes/api", "{\"upstream\":\"app\"}", "If-Match", etag), 412);
        assertThat(server.get("/v1/routes/api").json().path("pathPrefix").asText()).isEqualTo("/v2/");
    }

    @Test
    void aDeleteWithAStaleETagIs412AndKeepsTheResource() {
        String stale = server.put("/v1/upstreams/app", ONE).header("ETag");
        String current = server.put("/v1/upstreams/app", TWO).header("ETag");

        assertProblem(delete("/v1/upstreams/app", stale), 412);
        assertThat(server.store.upstream("app")).isPresent();

        AdminServer.Reply deleted = delete("/v1/upstreams/app", current);
        assertThat(deleted.status()).isEqualTo(204);
        assertThat(deleted.header("Portico-Revision")).isEqualTo("3");
        assertThat(server.store.upstream("app")).isEmpty();
    }

    @Test
    void aDeleteOfSomethingAbsentWithIfMatchIs412AndWithoutIs404() {
        assertProblem(delete("/v1/routes/ghost", "*"), 412);
        assertProblem(server.delete("/v1/routes/ghost"), 404);
    }

    @Test
    void aRouteDeleteWithTheCurrentETagIsLiveWhenAnswered() {
        server.put("/v1/upstreams/app", ONE);
        String etag = server.put("/v1/routes/api", "{\"upstream\":\"app\",\"pathPrefix\":\"/api/\"}").header("ETag");

        assertThat(delete("/v1/routes/api", etag).status()).isEqualTo(204);

        assertThat(server.routing.resolve("h", "/api/x")).isEqualTo(RoutingDecision.NoRoute.INSTANCE);
    }

    /** Well-formed entity tags (RFC 9110 section 8.8.3) that are not the current ETag by strong comparison. */
    @ParameterizedTest
    @ValueSource(strings = {"\"stale\"", "\"\"", "\"01\"", "W/\"1\"", "\"stale\", W/\"1\"", "\"99999999999999999999\"",
            "\"1,2\""})
    void refusesIfMatchWithAnETagThatIsNotTheCurrentOneWith412AndTheCurrentETag(String ifMatch) {
        server.put("/v1/upstreams/app", ONE);
        Configuration before = server.store.load();

        AdminServer.Reply refused = put("/v1/upstreams/app", TWO, "If-Match", ifMatch);

        JsonNode problem = assertProblem(refused, 412);
        assertThat(problem.path("detail").asText()).contains("'app'", "\"1\"");
        assertThat(refused.header("ETag")).isEqualTo("\"1\"");
        assertThat(server.store.load()).isEqualTo(before);
    }

    @Test
    void ifMatchHoldsWhenAnyListedETagIsTheCurrentOne() {
        server.put("/v1/upstreams/app", ONE);

        AdminServer.Reply replaced = put("/v1/upstreams/app", TWO, "If-Match", ", \"stale\", W/\"1\",, \"1\" ,");

        assertThat(replaced.status()).as("%s", replaced).isEqualTo(200);
    }

    @Test
    void ifMatchWithAnETagPorticoNeverGaveIs412ForAnAbsentResourceAndADelete() {
        AdminServer.Reply absent = put("/v1/upstreams/app", ONE, "If-Match", "\"stale\"");
        server.put("/v1/upstreams/app", ONE);
        AdminServer.Reply delete = delete("/v1/upstreams/app", "\"stale\"");

        assertProblem(absent, 412);
        assertThat(absent.header("ETag")).isNull();
        assertProblem(delete, 412);
        assertThat(delete.header("ETag")).isEqualTo("\"1\"");
        assertThat(server.store.upstream("app")).isPresent();
    }

    @Test
    void aConfigurationApplyWithAnETagPorticoNeverGaveIs412WithTheCurrentRevision() {
        server.put("/v1/upstreams/app", ONE);
        Configuration before = server.store.load();

        AdminServer.Reply refused = put("/v1/config", "{\"upstreams\":{},\"routes\":{}}", "If-Match", "\"stale\"");

        assertProblem(refused, 412);
        assertThat(refused.header("ETag")).isEqualTo("\"1\"");
        assertThat(server.store.load()).isEqualTo(before);
    }

    @Test
    void ifNoneMatchWithETagsPorticoNeverGaveLetsTheWriteThrough() {
        AdminServer.Reply created = put("/v1/upstreams/app", ONE, "If-None-Match", "\"stale\"");
        AdminServer.Reply replaced = put("/v1/upstreams/app", TWO, "If-None-Match", "\"stale\", W/\"01\"");

        assertThat(created.status()).as("%s", created).isEqualTo(201);
        assertThat(replaced.status()).as("%s", replaced).isEqualTo(200);
    }

    @Test
    void ifNoneMatchFailsWhenAnyListedETagIsTheCurrentOneEvenWeakly() {
        server.put("/v1/upstreams/app", ONE);

        AdminServer.Reply refused = put("/v1/upstreams/app", TWO, "If-None-Match", "\"stale\", W/\"1\"");

        assertProblem(refused, 412);
        assertThat(refused.header("ETag")).isEqualTo("\"1\"");
        assertThat(server.get("/v1/upstreams/app").json().path("targets")).hasSize(1);
    }

    /** Not a list of entity tags at all: no quotes, a lower-case weak prefix, a space in a tag, '*' in a list. */
    @ParameterizedTest
    @ValueSource(strings = {"1", "abc", "\"1", "\"1\" \"2\"", "\"1\"W/\"2\"", "w/\"1\"", "W/1", "\"a b\"", "*, \"1\"",
            "**", ","})
    void aMalformedIfMatchIs400NamingTheHeaderAndWritesNothing(String ifMatch) {
        server.put("/v1/upstreams/app", ONE);
        Configuration before = server.store.load();

        AdminServer.Reply refused = put("/v1/upstreams/app", TWO, "If-Match", ifMatch);

        assertProblem(refused, 400);
        assertThat(fields(refused)).containsExactly("If-Match");
        assertThat(server.store.load()).isEqualTo(before);
    }

    @Test
    void ifMatchAndIfNoneMatchTogetherAre400() {
        AdminServer.Reply refused = server.send(server.request("/v1/upstreams/app")
                .header("Content-Type", "application/json")
                .header("If-Match", "*")
                .header("If-None-Match", "*")
                .PUT(HttpRequest.BodyPublishers.ofString(ONE)));

        assertProblem(refused, 400);
        assertThat(fields(refused)).containsExactly("If-Match");
    }

    @Test
    void ifNoneMatchAcceptsAWeakTagAndComparesItWeakly() {
        server.put("/v1/upstreams/app", ONE);

        assertProblem(put("/v1/upstreams/app", TWO, "If-None-Match", "W/\"1\""), 412);
        assertThat(put("/v1/upstreams/app", TWO, "If-None-Match", "W/\"9\"").status()).isEqualTo(200);
    }
}
