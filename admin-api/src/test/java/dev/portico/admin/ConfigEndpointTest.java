package dev.portico.admin;

import dev.portico.domain.model.Configuration;
import dev.portico.domain.model.TokenScope;
import dev.portico.domain.routing.ResolvedRoute;
import dev.portico.domain.routing.RoutingDecision;

import com.fasterxml.jackson.databind.JsonNode;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.net.http.HttpRequest;
import java.time.Instant;

import static dev.portico.admin.Problems.assertProblem;
import static dev.portico.admin.Problems.fields;
import static dev.portico.admin.Problems.message;
import static org.assertj.core.api.Assertions.assertThat;

/** {@code /v1/config} and {@code /v1/status}: the configuration exported and replaced as one document. */
class ConfigEndpointTest {
    private static final String DOCUMENT = """
            {"upstreams":{
               "app":{"targets":[{"url":"http://127.0.0.1:9001"}]},
               "api":{"targets":[{"url":"http://127.0.0.1:9002","weight":3}]}},
             "routes":{
               "web":{"upstream":"app"},
               "api":{"upstream":"api","pathPrefix":"/api/","hosts":["example.com"],"redirectToHttps":true,
                      "hsts":{"maxAgeSeconds":600},"webSocketIdleTimeoutMs":5000}}}""";

    private final AdminServer server = AdminServer.start();

    @AfterEach
    void stop() {
        server.close();
    }

    AdminServer.Reply putConfig(String json) {
        return server.put("/v1/config", json);
    }

    AdminServer.Reply putConfig(String query, String json, String ifMatch) {
        HttpRequest.Builder request = server.request("/v1/config" + query)
                .header("Content-Type", "application/json");
        if (ifMatch != null) {
            request.header("If-Match", ifMatch);
        }
        return server.send(request.PUT(HttpRequest.BodyPublishers.ofString(json)));
    }

    String live(String host, String path) {
        return switch (server.routing.resolve(host, path)) {
            case ResolvedRoute resolved -> resolved.route().name() + "->" + resolved.upstream().name();
            case RoutingDecision.NoRoute none -> "none";
            case RoutingDecision.BadPath bad -> "bad path";
        };
    }

    @Test
    void anEmptyStoreExportsAnEmptyDocumentAtRevisionZero() {
        AdminServer.Reply export = server.get("/v1/config");

        assertThat(export.status()).isEqualTo(200);
        assertThat(export.header("ETag")).isEqualTo("\"0\"");
        assertThat(export.json().toString()).isEqualTo("{\"revision\":0,\"upstreams\":{},\"routes\":{}}");
    }

    @Test
    void theExportHoldsEveryResourceByNameAsItsOwnEndpointShowsIt() {
        server.put("/v1/upstreams/app", "{\"targets\":[{\"url\":\"http://127.0.0.1:9001\"}]}");
        server.put("/v1/routes/web", "{\"upstream\":\"app\",\"hosts\":[\"Example.COM\"]}");

        JsonNode export = server.get("/v1/config").json();

        assertThat(export.path("revision").asLong()).isEqualTo(2);
        assertThat(export.path("upstreams").path("app")).isEqualTo(server.get("/v1/upstreams/app").json());
        assertThat(export.path("routes").path("web")).isEqualTo(server.get("/v1/routes/web").json());
    }

    @Test
    void putReplacesEverythingInOneRevisionAnswersTheDiffAndIsLiveWhenAnswered() {
        server.put("/v1/upstreams/old", "{\"targets\":[{\"url\":\"http://127.0.0.1:9009\"}]}");
        server.put("/v1/upstreams/app", "{\"targets\":[{\"url\":\"http://127.0.0.1:9001\"}]}");
        server.put("/v1/routes/legacy", "{\"upstream\":\"old\",\"pathPrefix\":\"/legacy/\"}");
        server.put("/v1/routes/web", "{\"upstream\":\"old\"}");

        AdminServer.Reply applied = putConfig(DOCUMENT);

        assertThat(applied.status()).as("%s", applied).isEqualTo(200);
        assertThat(applied.header("ETag")).isEqualTo("\"5\"");
        assertThat(applied.header("Portico-Revision")).isEqualTo("5");
        assertThat(applied.json().toString()).isEqualTo("{\"dryRun\":false,\"revision\":5,"
                + "\"added\":{\"upstreams\":[\"api\"],\"routes\":[\"api\"]},"
                + "\"changed\":{\"upstreams\":[],\"routes\":[\"web\"]},"
                + "\"removed\":{\"upstreams\":[\"old\"],\"routes\":[\"legacy\"]}}");
        assertThat(live("example.com", "/api/x")).isEqualTo("api->api");
        assertThat(live("other", "/legacy/x")).isEqualTo("web->app");
        assertThat(server.get("/v1/upstreams/app").header("ETag")).as("unchanged, so not rewritten").isEqualTo("\"2\"");
        assertThat(server.get("/v1/routes/web").header("ETag")).isEqualTo("\"5\"");
        assertThat(server.store.revision()).isEqualTo(5);
    }

    @Test
    void anExportPutBackUnchangedChangesNothing() {
        putConfig(DOCUMENT);
        AdminServer.Reply export = server.get("/v1/config");

        AdminServer.Reply again = putConfig(export.body());

        assertThat(again.status()).isEqualTo(200);
        assertThat(again.json().path("revision").asLong()).isEqualTo(1);
        assertThat(again.json().path("added").path("upstreams")).isEmpty();
        assertThat(again.json().path("changed").path("routes")).isEmpty();
        assertThat(again.json().path("removed").path("routes")).isEmpty();
        assertThat(server.get("/v1/config").json()).isEqualTo(export.json());
    }

    @Test
    void theDocumentCarriesEachRoutesHttpsAndWebSocketSettings() {
        putConfig(DOCUMENT);

        JsonNode routes = server.get("/v1/config").json().path("routes");

        assertThat(routes.path("api").path("redirectToHttps").asBoolean()).isTrue();
        assertThat(routes.path("api").path("hsts").toString())
                .isEqualTo("{\"maxAgeSeconds\":600,\"includeSubDomains\":false,\"preload\":false}");
        assertThat(routes.path("api").path("webSocketIdleTimeoutMs").asLong()).isEqualTo(5000);
        assertThat(routes.path("web").path("redirectToHttps").asBoolean()).isFalse();
        assertThat(routes.path("web").has("hsts")).isFalse();
        assertThat(routes.path("web").path("webSocketIdleTimeoutMs").asLong()).isEqualTo(3_600_000);
    }

    @Test
    void aDryRunAnswersTheDiffAndTheETagToApplyItWithAndChangesNothing() {
        server.put("/v1/upstreams/old", "{\"targets\":[{\"url\":\"http://127.0.0.1:9009\"}]}");
        Configuration before = server.store.load();

        AdminServer.Reply preview = putConfig("?dryRun=true", DOCUMENT, null);

        assertThat(preview.status()).isEqualTo(200);
        assertThat(preview.json().path("dryRun").asBoolean()).isTrue();
        assertThat(preview.json().path("revision").asLong()).isEqualTo(1);
        assertThat(preview.json().path("added").path("upstreams")).extracting(JsonNode::asText).containsExactly("api", "app");
        assertThat(preview.json().path("removed").path("upstreams")).extracting(JsonNode::asText).containsExactly("old");
        assertThat(preview.header("Portico-Revision")).isNull();
        assertThat(server.store.load()).isEqualTo(before);

        AdminServer.Reply applied = putConfig("", DOCUMENT, preview.header("ETag"));
        assertThat(applied.status()).isEqualTo(200);
        assertThat(applied.json().path("added")).isEqualTo(preview.json().path("added"));
        assertThat(applied.json().path("removed")).isEqualTo(preview.json().path("removed"));
    }

    @Test
    void applyingWithAnETagThatIsNoLongerCurrentIs412AndAppliesNothing() {
        String etag = server.get("/v1/config").header("ETag");
        server.put("/v1/upstreams/meanwhile", "{\"targets\":[{\"url\":\"http://127.0.0.1:9009\"}]}");
        Configuration before = server.store.load();

        AdminServer.Reply refused = putConfig("", DOCUMENT, etag);

        JsonNode problem = assertProblem(refused, 412);
        assertThat(problem.path("detail").asText()).contains("configuration", "\"1\"");
        assertThat(refused.header("ETag")).isEqualTo("\"1\"");
        assertThat(server.store.load()).isEqualTo(before);
        assertProblem(putConfig("?dryRun=true", DOCUMENT, etag), 412);
    }

    @Test
    void everyErrorOfTheDocumentIsReportedAtOnceWithItsPathAndNothingIsApplied() {
        server.put("/v1/upstreams/kept", "{\"targets\":[{\"url\":\"http://127.0.0.1:9009\"}]}");
        Configuration before = server.store.load();

        AdminServer.Reply refused = putConfig("""
                {"upstreams":{
                   "app":{"targets":[{"url":"ftp://127.0.0.1:9001"},{"url":"http://127.0.0.1:9002","weight":5000}]},
                   "bad name":{"targets":[{"url":"http://127.0.0.1:9003"}]},
                   "named":{"name":"other","targets":[{"url":"http://127.0.0.1:9004"}]}},
                 "routes":{
                   "api":{"upstream":"app","pathPrefix":"api/"},
                   "lost":{"upstream":"kept"}}}""");

        assertProblem(refused, 400);
        assertThat(fields(refused)).containsExactly(
                "upstreams.named.name",
                "upstreams.app.targets[0].url",
                "upstreams.app.targets[1].weight",
                "upstreams.bad name",
                "routes.api.pathPrefix",
                "routes.lost.upstream");
        assertThat(message(refused, "routes.lost.upstream")).contains("'kept'");
        assertThat(server.store.load()).isEqualTo(before);
    }

    @Test
    void unknownFieldsAndWrongTypesAreNamedByTheirPathInTheDocument() {
        AdminServer.Reply unknown = putConfig("""
                {"upstreams":{"app":{"targets":[{"url":"http://127.0.0.1:9001","wieght":2}]}},"routes":{},"extra":1}""");
        AdminServer.Reply wrongType = putConfig("""
                {"upstreams":{"app":{"targets":[{"url":"http://127.0.0.1:9001","weight":"2"}]}},"routes":{}}""");
        AdminServer.Reply notAnObject = putConfig("{\"upstreams\":[],\"routes\":{}}");

        assertProblem(unknown, 400);
        assertThat(fields(unknown)).containsExactly("upstreams.app.targets[0].wieght", "extra");
        assertThat(fields(wrongType)).containsExactly("upstreams.app.targets[0].weight");
        assertThat(fields(notAnObject)).containsExactly("upstreams");
        assertThat(server.store.revision()).isZero();
    }

    @Test
    void aDocumentWithoutRoutesOrUpstreamsIsRefusedRatherThanEmptyingTheStore() {
        putConfig(DOCUMENT);
        Configuration before = server.store.load();

        AdminServer.Reply refused = putConfig("{\"upstreams\":{}}");

        assertProblem(refused, 400);
        assertThat(fields(refused)).containsExactly("routes");
        assertThat(server.store.load()).isEqualTo(before);
    }

    @Test
    void anEmptyDocumentEmptiesTheStore() {
        putConfig(DOCUMENT);

        AdminServer.Reply emptied = putConfig("{\"upstreams\":{},\"routes\":{}}");

        assertThat(emptied.status()).isEqualTo(200);
        assertThat(server.store.load().upstreams()).isEmpty();
        assertThat(live("example.com", "/api/")).isEqualTo("none");
    }

    @Test
    void dryRunMustBeTrueOrFalse() {
        AdminServer.Reply refused = putConfig("?dryRun=yes", DOCUMENT, null);

        assertProblem(refused, 400);
        assertThat(fields(refused)).containsExactly("dryRun");
        assertThat(server.store.revision()).isZero();
    }

    @Test
    void statusTellsTheRevisionWhenItWasAppliedAndTheCounts() {
        Instant before = Instant.now();
        putConfig(DOCUMENT);

        AdminServer.Reply status = server.get("/v1/status");

        assertThat(status.status()).isEqualTo(200);
        JsonNode json = status.json();
        assertThat(json.path("revision").asLong()).isEqualTo(1);
        assertThat(json.path("routes").asInt()).isEqualTo(2);
        assertThat(json.path("upstreams").asInt()).isEqualTo(2);
        assertThat(json.path("appliedAt").asText()).endsWith("Z");
        assertThat(Instant.parse(json.path("appliedAt").asText())).isBetween(before, Instant.now());
    }

    @Test
    void aReadTokenMayExportButNotReplace() {
        server.tokenStore.save(server.tokens.token("dashboard", "read-only-secret", TokenScope.READ));
        server.tokens.reload();

        AdminServer.Reply export = server.send(HttpRequest.newBuilder(server.uri("/v1/config"))
                .header("Authorization", "Bearer read-only-secret").GET());
        AdminServer.Reply replace = server.send(HttpRequest.newBuilder(server.uri("/v1/config"))
                .header("Authorization", "Bearer read-only-secret")
                .header("Content-Type", "application/json")
                .PUT(HttpRequest.BodyPublishers.ofString(DOCUMENT)));

        assertThat(export.status()).isEqualTo(200);
        assertProblem(replace, 403);
        assertThat(server.store.revision()).isZero();
    }
}
