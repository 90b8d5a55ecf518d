package dev.portico.admin;

import com.fasterxml.jackson.databind.JsonNode;
import dev.portico.domain.model.TokenScope;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.net.http.HttpRequest;

import static dev.portico.admin.Problems.assertProblem;
import static dev.portico.admin.Problems.fields;
import static org.assertj.core.api.Assertions.assertThat;

/** {@code /v1/tokens}: tokens created with their secret shown once, listed without it, revoked at once. */
class TokensEndpointTest {
    private static final String UPSTREAM = "{\"targets\":[{\"url\":\"http://127.0.0.1:9001\"}]}";

    private final AdminServer server = AdminServer.start();

    @AfterEach
    void stop() {
        server.close();
    }

    AdminServer.Reply create(String json) {
        return server.send(server.request("/v1/tokens")
                .header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(json)));
    }

    AdminServer.Reply as(String secret, HttpRequest.Builder request) {
        return server.send(request.header("Authorization", "Bearer " + secret));
    }

    HttpRequest.Builder to(String path) {
        return HttpRequest.newBuilder(server.uri(path));
    }

    String secret(AdminServer.Reply created) {
        assertThat(created.status()).as("%s", created).isEqualTo(201);
        return created.json().path("token").asText();
    }

    @Test
    void creatingATokenAnswersItsSecretOnceAndItWorksAtOnce() {
        AdminServer.Reply created = create("{\"name\":\"ci\",\"scope\":\"write\"}");

        assertThat(created.status()).isEqualTo(201);
        assertThat(created.header("Cache-Control")).isEqualTo("no-store");
        JsonNode json = created.json();
        assertThat(json.path("name").asText()).isEqualTo("ci");
        assertThat(json.path("scope").asText()).isEqualTo("write");
        assertThat(json.path("createdAt").asText()).endsWith("Z");
        String secret = json.path("token").asText();
        assertThat(secret).startsWith("ptc_");

        AdminServer.Reply put = as(secret, to("/v1/upstreams/app").header("Content-Type", "application/json")
                .PUT(HttpRequest.BodyPublishers.ofString(UPSTREAM)));
        assertThat(put.status()).isEqualTo(201);
        assertThat(server.get("/v1/tokens").body()).doesNotContain(secret);
    }

    @Test
    void theListShowsNamesScopesAndTimesButNeverSecretsOrHashes() {
        create("{\"name\":\"ci\",\"scope\":\"read\"}");

        AdminServer.Reply list = server.get("/v1/tokens");

        assertThat(list.status()).isEqualTo(200);
        assertThat(list.json().findValuesAsText("name")).containsExactly("admin", "ci");
        assertThat(list.json().findValuesAsText("scope")).containsExactly("admin", "read");
        assertThat(list.json().get(0).has("token")).isFalse();
        server.tokenStore.tokens().forEach(token -> assertThat(list.body()).doesNotContain(token.sha256Hex()));
        assertThat(list.json().get(1).size()).isEqualTo(3);
    }

    @Test
    void eachScopeMayDoWhatItSaysAndNoMoreWith403() {
        String reader = secret(create("{\"name\":\"dashboard\",\"scope\":\"read\"}"));
        String writer = secret(create("{\"name\":\"ci\",\"scope\":\"write\"}"));

        assertThat(as(reader, to("/v1/config").GET()).status()).isEqualTo(200);
        assertThat(as(reader, to("/v1/audit").GET()).status()).isEqualTo(200);
        assertProblem(as(reader, to("/v1/tokens").GET()), 403);
        AdminServer.Reply readerPut = as(reader, to("/v1/upstreams/app").header("Content-Type", "application/json")
                .PUT(HttpRequest.BodyPublishers.ofString(UPSTREAM)));
        assertProblem(readerPut, 403);
        assertThat(readerPut.header("WWW-Authenticate")).contains("insufficient_scope", "scope=\"write\"");

        assertThat(as(writer, to("/v1/upstreams/app").header("Content-Type", "application/json")
                .PUT(HttpRequest.BodyPublishers.ofString(UPSTREAM))).status()).isEqualTo(201);
        AdminServer.Reply writerTokens = as(writer, to("/v1/tokens").header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString("{\"name\":\"mine\",\"scope\":\"admin\"}")));
        JsonNode problem = assertProblem(writerTokens, 403);
        assertThat(problem.path("detail").asText()).contains("scope write", "admin");
        assertProblem(as(writer, to("/v1/tokens").GET()), 403);
        assertProblem(as(writer, to("/v1/tokens/dashboard").DELETE()), 403);
        assertThat(server.tokenStore.tokens()).hasSize(3);
    }

    @Test
    void aRevokedTokenFailsOnTheVeryNextRequest() {
        String secret = secret(create("{\"name\":\"ci\",\"scope\":\"read\"}"));
        assertThat(as(secret, to("/v1/upstreams").GET()).status()).isEqualTo(200);

        AdminServer.Reply revoked = server.delete("/v1/tokens/ci");

        assertThat(revoked.status()).isEqualTo(204);
        assertProblem(as(secret, to("/v1/upstreams").GET()), 401);
        assertProblem(server.delete("/v1/tokens/ci"), 404);
    }

    @Test
    void aDuplicateNameIs409AndKeepsTheFirstToken() {
        String first = secret(create("{\"name\":\"ci\",\"scope\":\"read\"}"));

        JsonNode problem = assertProblem(create("{\"name\":\"ci\",\"scope\":\"admin\"}"), 409);

        assertThat(problem.path("detail").asText()).contains("'ci'");
        assertThat(as(first, to("/v1/upstreams").GET()).status()).isEqualTo(200);
        assertThat(server.tokenStore.tokens()).filteredOn(t -> t.name().equals("ci"))
                .singleElement().extracting(t -> t.scope()).isEqualTo(TokenScope.READ);
    }

    @Test
    void theLastAdminTokenCannotBeRevokedSoNobodyIsLockedOut() {
        JsonNode problem = assertProblem(server.delete("/v1/tokens/admin"), 409);

        assertThat(problem.path("detail").asText()).contains("last", "admin");
        assertThat(server.get("/v1/tokens").status()).isEqualTo(200);

        String other = secret(create("{\"name\":\"ops\",\"scope\":\"admin\"}"));
        assertThat(server.delete("/v1/tokens/admin").status()).isEqualTo(204);
        assertProblem(server.get("/v1/tokens"), 401);
        assertProblem(as(other, to("/v1/tokens/ops").DELETE()), 409);
    }

    @Test
    void invalidNamesScopesAndBodiesAre400NamingTheField() {
        AdminServer.Reply badScope = create("{\"name\":\"ci\",\"scope\":\"root\"}");
        AdminServer.Reply badName = create("{\"name\":\"c i\",\"scope\":\"read\"}");
        AdminServer.Reply missing = create("{}");
        AdminServer.Reply unknown = create("{\"name\":\"ci\",\"scope\":\"read\",\"secret\":\"mine\"}");

        assertProblem(badScope, 400);
        assertThat(fields(badScope)).containsExactly("scope");
        assertThat(fields(badName)).containsExactly("name");
        assertThat(fields(missing)).containsExactly("name", "scope");
        assertThat(fields(unknown)).containsExactly("secret");
        assertThat(server.tokenStore.tokens()).hasSize(1);
    }

    @Test
    void tokenChangesAreAuditedByTheNameOfTheTokenThatMadeThem() {
        create("{\"name\":\"ci\",\"scope\":\"read\"}");
        server.delete("/v1/tokens/ci");

        JsonNode audit = server.get("/v1/audit").json();

        assertThat(audit).hasSize(2);
        assertThat(audit.get(0).path("resource").asText()).isEqualTo("tokens/ci");
        assertThat(audit.get(0).path("method").asText()).isEqualTo("DELETE");
        assertThat(audit.get(0).path("token").asText()).isEqualTo("admin");
        assertThat(audit.get(1).path("summary").asText()).isEqualTo("created with scope read");
    }

    @Test
    void noSecretIsEverLogged() {
        try (LogCapture log = new LogCapture()) {
            String secret = secret(create("{\"name\":\"ci\",\"scope\":\"write\"}"));
            as(secret, to("/v1/upstreams").GET());
            server.delete("/v1/tokens/ci");
            as(secret, to("/v1/upstreams").GET());

            assertThat(log.text()).doesNotContain(secret, secret.substring(4), AdminServer.SECRET);
        }
    }
}
