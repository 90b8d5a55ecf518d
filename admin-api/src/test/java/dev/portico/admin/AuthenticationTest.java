package dev.portico.admin;

import com.fasterxml.jackson.databind.JsonNode;
import dev.portico.domain.model.Configuration;
import dev.portico.domain.model.TokenScope;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.net.http.HttpRequest;

import static dev.portico.admin.Problems.assertProblem;
import static org.assertj.core.api.Assertions.assertThat;

class AuthenticationTest {
    private static final String UPSTREAM = "{\"targets\":[{\"url\":\"http://127.0.0.1:9001\"}]}";

    private final AdminServer server = AdminServer.start();
    private Configuration before;

    @BeforeEach
    void upstream() {
        assertThat(server.put("/v1/upstreams/app", UPSTREAM).status()).isEqualTo(201);
        before = server.store.load();
    }

    @AfterEach
    void stop() {
        server.close();
    }

    private HttpRequest.Builder withoutToken(String path) {
        return HttpRequest.newBuilder(server.uri(path));
    }

    @Test
    void aRequestWithoutAuthorizationIs401WithABearerChallenge() {
        AdminServer.Reply refused = server.send(withoutToken("/v1/upstreams").GET());

        JsonNode problem = assertProblem(refused, 401);
        assertThat(refused.header("WWW-Authenticate")).isEqualTo("Bearer realm=\"portico\"");
        assertThat(problem.path("detail").asText()).contains("Bearer");
        assertThat(problem.has("errors")).isFalse();
    }

    @ParameterizedTest
    @ValueSource(strings = {"Bearer wrong-secret", "Bearer", "Bearer ", "Basic dGVzdC1zZWNyZXQ=", "test-secret",
            "Bearer test-secret-and-more", "Bearer TEST-SECRET", "Token test-secret"})
    void aRequestWithoutTheRightBearerTokenIs401(String authorization) {
        AdminServer.Reply refused = server.send(withoutToken("/v1/upstreams")
                .header("Authorization", authorization).GET());

        JsonNode problem = assertProblem(refused, 401);
        assertThat(refused.header("WWW-Authenticate")).startsWith("Bearer realm=\"portico\"");
        assertThat(refused.body()).doesNotContain("test-secret", "wrong-secret");
        assertThat(problem.path("detail").asText()).isNotBlank();
    }

    @Test
    void aPresentedButInvalidTokenIsNamedInTheChallenge() {
        AdminServer.Reply refused = server.send(withoutToken("/v1/upstreams")
                .header("Authorization", "Bearer wrong-secret").GET());

        assertThat(refused.header("WWW-Authenticate")).isEqualTo("Bearer realm=\"portico\", error=\"invalid_token\"");
    }

    @Test
    void twoAuthorizationHeadersAre401EvenIfOneIsValid() {
        AdminServer.Reply refused = server.send(withoutToken("/v1/upstreams")
                .header("Authorization", "Bearer " + AdminServer.SECRET)
                .header("Authorization", "Bearer other").GET());

        assertProblem(refused, 401);
    }

    @ParameterizedTest
    @ValueSource(strings = {"bearer test-secret", "BEARER test-secret", "Bearer   test-secret  "})
    void theBearerSchemeIsCaseInsensitiveAndSpacesAroundTheTokenDoNotMatter(String authorization) {
        AdminServer.Reply reply = server.send(withoutToken("/v1/upstreams")
                .header("Authorization", authorization).GET());

        assertThat(reply.status()).as("%s", reply).isEqualTo(200);
    }

    @Test
    void anUnknownPathIs401BeforeItIs404() {
        AdminServer.Reply stranger = server.send(withoutToken("/v2/secrets").GET());
        AdminServer.Reply operator = server.get("/v2/secrets");

        assertProblem(stranger, 401);
        assertThat(stranger.header("WWW-Authenticate")).isEqualTo("Bearer realm=\"portico\"");
        assertProblem(operator, 404);
    }

    @Test
    void aWrongMethodIs401BeforeItIs405() {
        AdminServer.Reply stranger = server.send(withoutToken("/v1/upstreams")
                .POST(HttpRequest.BodyPublishers.ofString("{}")));

        assertProblem(stranger, 401);
        assertThat(stranger.header("Allow")).isNull();
    }

    @Test
    void mutationsWithoutAValidTokenChangeNothing() {
        AdminServer.Reply put = server.send(withoutToken("/v1/upstreams/web")
                .header("Content-Type", "application/json")
                .PUT(HttpRequest.BodyPublishers.ofString(UPSTREAM)));
        AdminServer.Reply delete = server.send(withoutToken("/v1/upstreams/app")
                .header("Authorization", "Bearer wrong-secret").DELETE());
        AdminServer.Reply route = server.send(withoutToken("/v1/routes/web")
                .PUT(HttpRequest.BodyPublishers.ofString("{\"upstream\":\"app\"}")));

        assertProblem(put, 401);
        assertProblem(delete, 401);
        assertProblem(route, 401);
        assertThat(server.store.load()).isEqualTo(before);
    }

    @Test
    void aReadOnlyTokenMayReadButAnyChangeIs403AndChangesNothing() {
        server.tokenStore.save(server.tokens.token("dashboard", "read-only-secret", TokenScope.READ));
        server.tokens.reload();

        AdminServer.Reply read = server.send(withoutToken("/v1/upstreams/app")
                .header("Authorization", "Bearer read-only-secret").GET());
        AdminServer.Reply put = server.send(withoutToken("/v1/upstreams/web")
                .header("Authorization", "Bearer read-only-secret")
                .PUT(HttpRequest.BodyPublishers.ofString(UPSTREAM)));
        AdminServer.Reply delete = server.send(withoutToken("/v1/upstreams/app")
                .header("Authorization", "Bearer read-only-secret").DELETE());

        assertThat(read.status()).isEqualTo(200);
        assertProblem(put, 403);
        assertThat(put.header("WWW-Authenticate")).contains("error=\"insufficient_scope\"");
        assertProblem(delete, 403);
        assertThat(server.store.load()).isEqualTo(before);
    }

    @Test
    void aWriteTokenMayChangeTheConfiguration() {
        server.tokenStore.save(server.tokens.token("deploy-script", "write-secret", TokenScope.WRITE));
        server.tokens.reload();

        AdminServer.Reply put = server.send(withoutToken("/v1/upstreams/web")
                .header("Authorization", "Bearer write-secret")
                .header("Content-Type", "application/json")
                .PUT(HttpRequest.BodyPublishers.ofString(UPSTREAM)));

        assertThat(put.status()).isEqualTo(201);
    }

    @Test
    void aClientWaitingFor100ContinueIsRefusedWithoutSendingItsBodyAndTheConnectionIsClosed() {
        AdminServer.Reply refused = server.send(withoutToken("/v1/upstreams/web")
                .expectContinue(true)
                .header("Authorization", "Bearer wrong-secret")
                .PUT(HttpRequest.BodyPublishers.ofString(UPSTREAM)));

        assertProblem(refused, 401);
        assertThat(refused.header("Connection")).isEqualTo("close");
        assertThat(server.get("/v1/upstreams").status()).isEqualTo(200);
        assertThat(server.store.load()).isEqualTo(before);
    }

    @Test
    void thePresentedSecretIsNeverLogged() {
        try (LogCapture log = new LogCapture()) {
            server.send(withoutToken("/v1/upstreams").header("Authorization", "Bearer wrong-secret-4711").GET());
            server.send(withoutToken("/v1/upstreams/web").header("Authorization", "Bearer wrong-secret-4711")
                    .PUT(HttpRequest.BodyPublishers.ofString("{not json")));
            server.send(withoutToken("/nowhere").header("Authorization", "Bearer wrong-secret-4711").GET());
            server.get("/v1/upstreams");
            server.get("/nowhere");
            server.put("/v1/upstreams/web", "{not json");

            assertThat(log.records()).as("something was logged at all").isNotEmpty();
            assertThat(log.text()).doesNotContain("wrong-secret-4711", AdminServer.SECRET);
        }
    }
}
