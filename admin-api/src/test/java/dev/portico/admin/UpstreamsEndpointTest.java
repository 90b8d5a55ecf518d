package dev.portico.admin;

import com.fasterxml.jackson.databind.JsonNode;
import dev.portico.domain.model.Configuration;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import static dev.portico.admin.Problems.assertProblem;
import static dev.portico.admin.Problems.fields;
import static dev.portico.admin.Problems.message;
import static org.assertj.core.api.Assertions.assertThat;

class UpstreamsEndpointTest {
    private static final String ONE_TARGET = """
            {"targets":[{"url":"http://127.0.0.1:9001","weight":1}]}""";

    private final AdminServer server = AdminServer.start();

    @AfterEach
    void stop() {
        server.close();
    }

    @Test
    void putCreatesAnUpstreamWith201AndALocationThatLeadsToIt() {
        AdminServer.Reply created = server.put("/v1/upstreams/app", ONE_TARGET);

        assertThat(created.status()).isEqualTo(201);
        assertThat(created.contentType()).isEqualTo("application/json");
        assertThat(created.json()).isEqualTo(server.get("/v1/upstreams/app").json());
        assertThat(created.json().path("name").asText()).isEqualTo("app");
        assertThat(created.header("Location")).isEqualTo("/v1/upstreams/app");
        AdminServer.Reply followed = server.send(server.request("/v1/upstreams/app").uri(
                server.uri("/").resolve(created.header("Location"))).GET());
        assertThat(followed.status()).isEqualTo(200);
        assertThat(followed.json()).isEqualTo(created.json());
        assertThat(server.store.upstream("app")).isPresent();
    }

    @Test
    void repeatingTheSamePutReplacesWith200AndTheSameBody() {
        AdminServer.Reply first = server.put("/v1/upstreams/app", ONE_TARGET);
        AdminServer.Reply second = server.put("/v1/upstreams/app", ONE_TARGET);

        assertThat(first.status()).isEqualTo(201);
        assertThat(second.status()).isEqualTo(200);
        assertThat(second.header("Location")).isNull();
        assertThat(second.json()).isEqualTo(first.json());
        assertThat(server.store.upstreams()).hasSize(1);
    }

    @Test
    void putReplacesTheTargetsOfAnExistingUpstream() {
        server.put("/v1/upstreams/app", ONE_TARGET);

        AdminServer.Reply replaced = server.put("/v1/upstreams/app", """
                {"targets":[{"url":"http://127.0.0.1:9002","weight":3}]}""");

        assertThat(replaced.status()).isEqualTo(200);
        assertThat(replaced.json().path("targets").get(0).path("url").asText()).isEqualTo("http://127.0.0.1:9002");
        assertThat(server.get("/v1/upstreams/app").json().path("targets").get(0).path("weight").asInt()).isEqualTo(3);
    }

    @Test
    void answersTargetsWithTheirNormalisedUrlAndTheDefaultWeightFilledIn() {
        AdminServer.Reply created = server.put("/v1/upstreams/app", """
                {"targets":[{"url":"HTTP://LocalHost:9001/base/"},{"url":"https://api.example.com","weight":0}]}""");

        assertThat(created.status()).isEqualTo(201);
        JsonNode targets = created.json().path("targets");
        assertThat(targets.get(0).path("url").asText()).isEqualTo("http://localhost:9001/base");
        assertThat(targets.get(0).path("weight").asInt()).isEqualTo(1);
        assertThat(targets.get(1).path("url").asText()).isEqualTo("https://api.example.com:443");
        assertThat(targets.get(1).path("weight").asInt()).isZero();
    }

    @Test
    void listsUpstreamsAsAJsonArraySortedByName() {
        assertThat(server.get("/v1/upstreams").json().isArray()).isTrue();
        assertThat(server.get("/v1/upstreams").json()).isEmpty();
        for (String name : new String[]{"web", "api", "metrics"}) {
            assertThat(server.put("/v1/upstreams/" + name, ONE_TARGET).status()).isEqualTo(201);
        }

        AdminServer.Reply list = server.get("/v1/upstreams");

        assertThat(list.status()).isEqualTo(200);
        assertThat(list.contentType()).isEqualTo("application/json");
        assertThat(list.json().findValuesAsText("name")).containsExactly("api", "metrics", "web");
        assertThat(list.json().get(0).path("targets").get(0).path("url").asText()).isEqualTo("http://127.0.0.1:9001");
    }

    @Test
    void getOfAnUnknownUpstreamIs404() {
        JsonNode problem = assertProblem(server.get("/v1/upstreams/nothing"), 404);

        assertThat(problem.path("detail").asText()).contains("'nothing'");
    }

    @Test
    void deleteAnswers204AndTheUpstreamIsGone() {
        server.put("/v1/upstreams/app", ONE_TARGET);

        AdminServer.Reply deleted = server.delete("/v1/upstreams/app");

        assertThat(deleted.status()).isEqualTo(204);
        assertThat(deleted.bytes()).isEmpty();
        assertThat(server.store.upstream("app")).isEmpty();
        assertProblem(server.get("/v1/upstreams/app"), 404);
        assertProblem(server.delete("/v1/upstreams/app"), 404);
    }

    @Test
    void deleteOfAnUpstreamThatRoutesUseIs409NamingThemAndKeepsEverything() {
        server.put("/v1/upstreams/app", ONE_TARGET);
        server.put("/v1/routes/web", "{\"upstream\":\"app\"}");
        server.put("/v1/routes/api", "{\"upstream\":\"app\",\"pathPrefix\":\"/api/\"}");
        Configuration before = server.store.load();

        AdminServer.Reply refused = server.delete("/v1/upstreams/app");

        JsonNode problem = assertProblem(refused, 409);
        assertThat(problem.path("routes").isArray()).isTrue();
        assertThat(problem.path("routes")).extracting(JsonNode::asText).containsExactlyInAnyOrder("api", "web");
        assertThat(problem.path("detail").asText()).contains("'app'", "api", "web");
        assertThat(server.store.load()).isEqualTo(before);
    }

    @Test
    void aCaBundleIsStoredShownAndPutBackUnchanged() {
        String body = "{\"targets\":[{\"url\":\"https://api.internal:8443\"}],\"tls\":{\"caPem\":"
                + TestCertificates.caPemJson() + "}}";

        AdminServer.Reply created = server.put("/v1/upstreams/api", body);

        assertThat(created.status()).as("%s", created).isEqualTo(201);
        assertThat(created.json().path("tls").path("caPem").asText()).isEqualTo(TestCertificates.caPem());
        assertThat(server.store.upstream("api").orElseThrow().tls().caPem()).contains(TestCertificates.caPem());
        AdminServer.Reply again = server.put("/v1/upstreams/api", created.json().toString());
        assertThat(again.status()).isEqualTo(200);
        assertThat(again.json()).isEqualTo(created.json());
    }

    @Test
    void anUpstreamWithoutACaBundleShowsNoTlsField() {
        AdminServer.Reply created = server.put("/v1/upstreams/api", "{\"targets\":[{\"url\":\"https://api.internal\"}]}");

        assertThat(created.status()).isEqualTo(201);
        assertThat(created.json().has("tls")).isFalse();
    }

    @Test
    void aBadCaBundleIs400OnTlsCaPemAndNothingIsStored() {
        AdminServer.Reply garbage = server.put("/v1/upstreams/api", """
                {"targets":[{"url":"https://api.internal"}],"tls":{"caPem":"not a certificate"}}""");
        AdminServer.Reply key = server.put("/v1/upstreams/api", """
                {"targets":[{"url":"https://api.internal"}],
                 "tls":{"caPem":"-----BEGIN PRIVATE KEY-----\\nMIGH\\n-----END PRIVATE KEY-----\\n"}}""");
        AdminServer.Reply missing = server.put("/v1/upstreams/api", """
                {"targets":[{"url":"https://api.internal"}],"tls":{}}""");

        assertProblem(garbage, 400);
        assertThat(fields(garbage)).containsExactly("tls.caPem");
        assertThat(message(garbage, "tls.caPem")).contains("BEGIN CERTIFICATE");
        assertProblem(key, 400);
        assertThat(message(key, "tls.caPem")).contains("private key");
        assertThat(fields(missing)).containsExactly("tls.caPem");
        assertThat(server.store.upstreams()).isEmpty();
    }

    @Test
    void aCaBundleOnAnUpstreamWithoutHttpsTargetsIs400OnTls() {
        AdminServer.Reply refused = server.put("/v1/upstreams/app", "{\"targets\":[{\"url\":\"http://127.0.0.1:9001\"}],"
                + "\"tls\":{\"caPem\":" + TestCertificates.caPemJson() + "}}");

        assertProblem(refused, 400);
        assertThat(fields(refused)).containsExactly("tls");
        assertThat(message(refused, "tls")).contains("https://");
    }

    @Test
    void invalidTargetsAre400NamingEachFieldAndNothingIsStored() {
        server.put("/v1/upstreams/app", ONE_TARGET);
        Configuration before = server.store.load();

        AdminServer.Reply refused = server.put("/v1/upstreams/app", """
                {"targets":[
                  {"url":"ftp://127.0.0.1:9001"},
                  {"url":"http://127.0.0.1:9002","weight":5000},
                  {"url":"http://127.0.0.1:70000"},
                  {"weight":1}
                ]}""");

        assertProblem(refused, 400);
        assertThat(fields(refused)).containsExactlyInAnyOrder(
                "targets[0].url", "targets[1].weight", "targets[2].url", "targets[3].url");
        assertThat(message(refused, "targets[2].url")).contains("port");
        assertThat(server.store.load()).isEqualTo(before);
    }

    @Test
    void anUpstreamWithoutTargetsIs400OnTargets() {
        AdminServer.Reply missing = server.put("/v1/upstreams/app", "{}");
        AdminServer.Reply empty = server.put("/v1/upstreams/app", "{\"targets\":[]}");
        AdminServer.Reply nullTarget = server.put("/v1/upstreams/app", "{\"targets\":[null]}");

        assertProblem(missing, 400);
        assertThat(fields(missing)).containsExactly("targets");
        assertThat(fields(empty)).containsExactly("targets");
        assertThat(fields(nullTarget)).containsExactly("targets[0]");
        assertThat(server.store.upstreams()).isEmpty();
    }

    @Test
    void aNameInTheBodyThatDiffersFromThePathIs400OnName() {
        AdminServer.Reply refused = server.put("/v1/upstreams/app", """
                {"name":"other","targets":[{"url":"http://127.0.0.1:9001"}]}""");

        assertProblem(refused, 400);
        assertThat(fields(refused)).containsExactly("name");
        assertThat(server.store.upstreams()).isEmpty();
    }

    @Test
    void aNameInTheBodyThatMatchesThePathIsAccepted() {
        AdminServer.Reply created = server.put("/v1/upstreams/app", """
                {"name":"app","targets":[{"url":"http://127.0.0.1:9001"}]}""");

        assertThat(created.status()).isEqualTo(201);
    }

    @Test
    void anInvalidNameInThePathIs400OnName() {
        AdminServer.Reply refused = server.put("/v1/upstreams/-app", ONE_TARGET);

        assertProblem(refused, 400);
        assertThat(fields(refused)).containsExactly("name");
        assertThat(server.store.upstreams()).isEmpty();
    }
}
