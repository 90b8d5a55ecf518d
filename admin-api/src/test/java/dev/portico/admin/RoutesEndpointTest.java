package dev.portico.admin;

import dev.portico.domain.model.Configuration;
import dev.portico.domain.routing.ResolvedRoute;
import dev.portico.domain.routing.RoutingDecision;

import com.fasterxml.jackson.databind.JsonNode;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import static dev.portico.admin.Problems.assertProblem;
import static dev.portico.admin.Problems.fields;
import static dev.portico.admin.Problems.message;
import static org.assertj.core.api.Assertions.assertThat;

class RoutesEndpointTest {
    private static final String FULL_ROUTE = """
            {"hosts":["example.com","*.example.org"],"pathPrefix":"/api/","upstream":"app",
             "stripPrefix":true,"preserveHost":false,"timeoutMs":30000,"redirectToHttps":true,
             "hsts":{"maxAgeSeconds":31536000,"includeSubDomains":true,"preload":true},"webSocketIdleTimeoutMs":90000}""";

    private final AdminServer server = AdminServer.start();

    @BeforeEach
    void upstreams() {
        assertThat(server.put("/v1/upstreams/app", "{\"targets\":[{\"url\":\"http://127.0.0.1:9001\"}]}").status())
                .isEqualTo(201);
        assertThat(server.put("/v1/upstreams/other", "{\"targets\":[{\"url\":\"http://127.0.0.1:9002\"}]}").status())
                .isEqualTo(201);
    }

    @AfterEach
    void stop() {
        server.close();
    }

    @Test
    void putCreatesARouteWith201AndAnswersEveryFieldAsStored() {
        AdminServer.Reply created = server.put("/v1/routes/api", FULL_ROUTE);

        assertThat(created.status()).isEqualTo(201);
        assertThat(created.contentType()).isEqualTo("application/json");
        assertThat(created.header("Location")).isEqualTo("/v1/routes/api");
        JsonNode route = created.json();
        assertThat(route.path("name").asText()).isEqualTo("api");
        assertThat(route.path("hosts")).extracting(JsonNode::asText).containsExactly("example.com", "*.example.org");
        assertThat(route.path("pathPrefix").asText()).isEqualTo("/api/");
        assertThat(route.path("upstream").asText()).isEqualTo("app");
        assertThat(route.path("stripPrefix").asBoolean()).isTrue();
        assertThat(route.path("preserveHost").isBoolean()).isTrue();
        assertThat(route.path("preserveHost").asBoolean()).isFalse();
        assertThat(route.path("timeoutMs").asLong()).isEqualTo(30000);
        assertThat(route.path("redirectToHttps").asBoolean()).isTrue();
        assertThat(route.path("hsts").path("maxAgeSeconds").asLong()).isEqualTo(31536000);
        assertThat(route.path("hsts").path("includeSubDomains").asBoolean()).isTrue();
        assertThat(route.path("hsts").path("preload").asBoolean()).isTrue();
        assertThat(route.path("webSocketIdleTimeoutMs").asLong()).isEqualTo(90000);
        assertThat(server.get("/v1/routes/api").json()).isEqualTo(route);
    }

    @Test
    void omittedFieldsTakeTheirDefaultsAndAreAnsweredFilledIn() {
        AdminServer.Reply created = server.put("/v1/routes/web", "{\"upstream\":\"app\"}");

        assertThat(created.status()).isEqualTo(201);
        JsonNode route = created.json();
        assertThat(route.path("hosts").isArray()).isTrue();
        assertThat(route.path("hosts")).isEmpty();
        assertThat(route.path("pathPrefix").asText()).isEqualTo("/");
        assertThat(route.path("stripPrefix").asBoolean()).isFalse();
        assertThat(route.path("preserveHost").asBoolean()).isFalse();
        assertThat(route.path("timeoutMs").asLong()).isEqualTo(60000);
        assertThat(route.path("redirectToHttps").isBoolean()).isTrue();
        assertThat(route.path("redirectToHttps").asBoolean()).isFalse();
        assertThat(route.has("hsts")).isFalse();
        assertThat(route.path("webSocketIdleTimeoutMs").asLong()).isEqualTo(3_600_000);
        assertThat(server.get("/v1/routes/web").json()).isEqualTo(route);
    }

    @Test
    void badHttpsAndWebSocketSettingsAreEachNamed() {
        AdminServer.Reply refused = server.put("/v1/routes/api", """
                {"upstream":"app","hsts":{"includeSubDomains":true},"webSocketIdleTimeoutMs":10}""");

        assertProblem(refused, 400);
        assertThat(fields(refused)).containsExactlyInAnyOrder("hsts.maxAgeSeconds", "webSocketIdleTimeoutMs");
        assertThat(message(refused, "hsts.maxAgeSeconds")).contains("required");
        assertThat(server.store.routes()).isEmpty();

        AdminServer.Reply badPreload = server.put("/v1/routes/api", """
                {"upstream":"app","hsts":{"maxAgeSeconds":-1}}""");
        assertProblem(badPreload, 400);
        assertThat(fields(badPreload)).containsExactly("hsts.maxAgeSeconds");

        AdminServer.Reply wrongType = server.put("/v1/routes/api", """
                {"upstream":"app","redirectToHttps":"yes","hsts":{"maxAgeSeconds":60,"preloaded":true}}""");
        assertProblem(wrongType, 400);
        assertThat(fields(wrongType)).contains("hsts.preloaded");
    }

    @Test
    void hostsAreAnsweredInTheirNormalisedForm() {
        AdminServer.Reply created = server.put("/v1/routes/web", """
                {"upstream":"app","hosts":["Example.COM.","bücher.example"]}""");

        assertThat(created.status()).isEqualTo(201);
        assertThat(created.json().path("hosts")).extracting(JsonNode::asText)
                .containsExactly("example.com", "xn--bcher-kva.example");
    }

    @Test
    void repeatingTheSamePutReplacesWith200AndTheSameBody() {
        AdminServer.Reply first = server.put("/v1/routes/api", FULL_ROUTE);
        AdminServer.Reply second = server.put("/v1/routes/api", FULL_ROUTE);

        assertThat(first.status()).isEqualTo(201);
        assertThat(second.status()).isEqualTo(200);
        assertThat(second.json()).isEqualTo(first.json());
    }

    @Test
    void aRouteIsLiveWhenItsPutIsAnswered() {
        assertThat(server.routing.resolve("example.com", "/api/users")).isEqualTo(RoutingDecision.NoRoute.INSTANCE);

        assertThat(server.put("/v1/routes/api", FULL_ROUTE).status()).isEqualTo(201);

        RoutingDecision decision = server.routing.resolve("example.com", "/api/users");
        assertThat(decision).isInstanceOf(ResolvedRoute.class);
        assertThat(((ResolvedRoute) decision).route().name()).isEqualTo("api");
        assertThat(((ResolvedRoute) decision).upstream().name()).isEqualTo("app");
        assertThat(server.routing.resolve("a.b.example.org", "/api/")).isInstanceOf(ResolvedRoute.class);
    }

    @Test
    void aReplacedRouteIsLiveWhenItsPutIsAnswered() {
        server.put("/v1/routes/api", FULL_ROUTE);

        assertThat(server.put("/v1/routes/api", """
                {"hosts":["example.com"],"pathPrefix":"/v2/","upstream":"other"}""").status()).isEqualTo(200);

        assertThat(server.routing.resolve("example.com", "/api/users")).isEqualTo(RoutingDecision.NoRoute.INSTANCE);
        RoutingDecision decision = server.routing.resolve("example.com", "/v2/users");
        assertThat(((ResolvedRoute) decision).upstream().name()).isEqualTo("other");
    }

    @Test
    void aDeletedRouteIsGoneFromRoutingWhenTheDeleteIsAnswered() {
        server.put("/v1/routes/api", FULL_ROUTE);

        AdminServer.Reply deleted = server.delete("/v1/routes/api");

        assertThat(deleted.status()).isEqualTo(204);
        assertThat(deleted.bytes()).isEmpty();
        assertThat(server.routing.resolve("example.com", "/api/users")).isEqualTo(RoutingDecision.NoRoute.INSTANCE);
        assertProblem(server.get("/v1/routes/api"), 404);
        assertProblem(server.delete("/v1/routes/api"), 404);
    }

    @Test
    void aRouteToAnUnknownUpstreamIs400OnUpstreamAndNothingIsStored() {
        Configuration before = server.store.load();

        AdminServer.Reply refused = server.put("/v1/routes/api", "{\"upstream\":\"nowhere\"}");

        assertProblem(refused, 400);
        assertThat(fields(refused)).containsExactly("upstream");
        assertThat(message(refused, "upstream")).contains("nowhere");
        assertThat(server.store.load()).isEqualTo(before);
        assertProblem(server.get("/v1/routes/api"), 404);
    }

    @Test
    void everyInvalidFieldIsNamedAtOnceAndNothingIsStored() {
        server.put("/v1/routes/api", FULL_ROUTE);
        Configuration before = server.store.load();

        AdminServer.Reply refused = server.put("/v1/routes/api", """
                {"hosts":["example.com","exa mple.com","http://example.net"],"pathPrefix":"api/",
                 "upstream":"app","timeoutMs":0}""");

        assertProblem(refused, 400);
        assertThat(fields(refused)).containsExactlyInAnyOrder("hosts[1]", "hosts[2]", "pathPrefix", "timeoutMs");
        assertThat(message(refused, "pathPrefix")).contains("'/'");
        assertThat(server.store.load()).isEqualTo(before);
        assertThat(server.get("/v1/routes/api").json().path("pathPrefix").asText()).isEqualTo("/api/");
    }

    @Test
    void aRouteWithoutUpstreamIs400OnUpstream() {
        AdminServer.Reply refused = server.put("/v1/routes/api", "{\"pathPrefix\":\"/api/\"}");

        assertProblem(refused, 400);
        assertThat(fields(refused)).containsExactly("upstream");
    }

    @Test
    void aNameInTheBodyThatDiffersFromThePathIs400OnName() {
        AdminServer.Reply refused = server.put("/v1/routes/api", "{\"name\":\"web\",\"upstream\":\"app\"}");

        assertProblem(refused, 400);
        assertThat(fields(refused)).containsExactly("name");
        assertThat(server.store.routes()).isEmpty();
    }

    @Test
    void aRouteAsAnsweredCanBePutBackUnchanged() {
        JsonNode created = server.put("/v1/routes/api", FULL_ROUTE).json();

        AdminServer.Reply again = server.put("/v1/routes/api", created.toString());

        assertThat(again.status()).isEqualTo(200);
        assertThat(again.json()).isEqualTo(created);
    }

    @Test
    void listsRoutesSortedByName() {
        for (String name : new String[]{"web", "api", "admin"}) {
            server.put("/v1/routes/" + name, "{\"upstream\":\"app\",\"pathPrefix\":\"/" + name + "/\"}");
        }

        AdminServer.Reply list = server.get("/v1/routes");

        assertThat(list.status()).isEqualTo(200);
        assertThat(list.contentType()).isEqualTo("application/json");
        assertThat(list.json().findValuesAsText("name")).containsExactly("admin", "api", "web");
        assertThat(list.json().get(1).path("pathPrefix").asText()).isEqualTo("/api/");
    }

    @Test
    void getOfAnUnknownRouteIs404() {
        JsonNode problem = assertProblem(server.get("/v1/routes/nothing"), 404);

        assertThat(problem.path("detail").asText()).contains("'nothing'");
    }
}
