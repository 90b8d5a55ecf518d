package dev.portico.admin;

import com.fasterxml.jackson.databind.JsonNode;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

import java.net.http.HttpRequest;
import java.nio.charset.StandardCharsets;

import static dev.portico.admin.Problems.assertProblem;
import static dev.portico.admin.Problems.message;
import static org.assertj.core.api.Assertions.assertThat;

class ErrorMappingTest {

    @ParameterizedTest
    @ValueSource(strings = {"/", "/v1", "/v2/upstreams", "/v1/upstreamsX", "/v1/upstreams/app/targets",
            "/v1/routes/api/extra", "/favicon.ico"})
    void anUnknownPathIs404ProblemJson(String path) {
        try (AdminServer server = AdminServer.start()) {
            JsonNode problem = assertProblem(server.get(path), 404);

            assertThat(problem.path("title").asText()).isEqualTo("Not Found");
        }
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
            "POST   | /v1/upstreams     | GET",
            "PUT    | /v1/upstreams     | GET",
            "DELETE | /v1/routes        | GET",
            "POST   | /v1/upstreams/app | GET, PUT, DELETE",
            "PATCH  | /v1/routes/api    | GET, PUT, DELETE",
            "OPTIONS| /v1/routes/api    | GET, PUT, DELETE",
            "PURGE  | /v1/upstreams/app | GET, PUT, DELETE"})
    void aWrongMethodOnAKnownPathIs405WithAllow(String method, String path, String allow) {
        try (AdminServer server = AdminServer.start()) {
            AdminServer.Reply refused = server.send(server.request(path)
                    .method(method, HttpRequest.BodyPublishers.ofString("{}")));

            JsonNode problem = assertProblem(refused, 405);
            assertThat(refused.header("Allow")).isEqualTo(allow);
            assertThat(problem.path("detail").asText()).contains(method);
            assertThat(server.store.load().revision()).isZero();
        }
    }

    @Test
    void headIsNotAReadOfItsOwnAndIs405() {
        try (AdminServer server = AdminServer.start()) {
            AdminServer.Reply refused = server.send(server.request("/v1/upstreams")
                    .method("HEAD", HttpRequest.BodyPublishers.noBody()));

            assertThat(refused.status()).isEqualTo(405);
            assertThat(refused.header("Allow")).isEqualTo("GET");
        }
    }

    @Test
    void anUnexpectedFailureIs500WithoutInternalsAndIsLoggedWithItsCause() {
        try (AdminServer server = AdminServer.start(new FailingConfigStore()); LogCapture log = new LogCapture()) {
            AdminServer.Reply failed = server.get("/v1/upstreams");

            JsonNode problem = assertProblem(failed, 500);
            assertThat(problem.path("title").asText()).isEqualTo("Internal Server Error");
            assertThat(failed.body()).doesNotContain("jdbc", "db.internal", "IllegalState");
            assertThat(log.records())
                    .filteredOn(r -> r.getLoggerName().equals(AdminApi.class.getName()))
                    .singleElement()
                    .satisfies(r -> {
                        assertThat(r.getLevel().intValue()).isEqualTo(java.util.logging.Level.SEVERE.intValue());
                        assertThat(r.getThrown()).hasMessage(FailingConfigStore.INTERNALS);
                        assertThat(r.getMessage()).contains("GET", "/v1/upstreams");
                    });
        }
    }

    @Test
    void aFailureWhileWritingIs500AndTheServerGoesOnAnswering() {
        try (AdminServer server = AdminServer.start(new FailingConfigStore())) {
            AdminServer.Reply failed = server.put("/v1/upstreams/app",
                    "{\"targets\":[{\"url\":\"http://127.0.0.1:1\"}]}");

            assertProblem(failed, 500);
            assertProblem(server.get("/nowhere"), 404);
        }
    }

    @Test
    void answersAreUtf8() {
        try (AdminServer server = AdminServer.start()) {
            server.put("/v1/upstreams/app", "{\"targets\":[{\"url\":\"http://127.0.0.1:9001\"}]}");

            AdminServer.Reply refused = server.put("/v1/routes/api", """
                    {"upstream":"app","hosts":["bü cher.example"]}""");

            assertProblem(refused, 400);
            assertThat(new String(refused.bytes(), StandardCharsets.UTF_8)).contains("bü cher.example");
            assertThat(message(refused, "hosts[0]")).contains("bü cher.example");
        }
    }

    @Test
    void noAnswerCarriesCorsHeaders() {
        try (AdminServer server = AdminServer.start()) {
            AdminServer.Reply reply = server.send(server.request("/v1/upstreams")
                    .header("Origin", "http://evil.example").GET());
            AdminServer.Reply preflight = server.send(server.request("/v1/upstreams")
                    .header("Origin", "http://evil.example")
                    .header("Access-Control-Request-Method", "PUT")
                    .method("OPTIONS", HttpRequest.BodyPublishers.noBody()));

            assertThat(reply.status()).isEqualTo(200);
            assertThat(reply.headers().map().keySet()).noneMatch(h -> h.toLowerCase().startsWith("access-control"));
            assertThat(preflight.status()).isEqualTo(405);
            assertThat(preflight.headers().map().keySet()).noneMatch(h -> h.toLowerCase().startsWith("access-control"));
        }
    }
}
