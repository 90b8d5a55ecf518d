package dev.portico.admin;

import com.fasterxml.jackson.databind.JsonNode;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.net.http.HttpHeaders;
import java.net.http.HttpRequest;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Collectors;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** The OpenAPI document describes exactly the operations the server registers, and what they really answer. */
class OpenApiDocumentTest {
    private static final Set<String> HTTP_METHODS = Set.of("get", "put", "post", "delete", "patch", "head", "options");
    private static final String UPSTREAM = "{\"targets\":[{\"url\":\"http://127.0.0.1:9001\",\"weight\":2}]}";

    private final MutableClock clock = new MutableClock(Instant.parse("2026-03-01T10:00:00Z"));
    private final AdminServer server = AdminServer.start(clock);
    private final OpenApiContract contract = new OpenApiContract();
    /** {@code METHOD template} of every operation answered with a 2xx. */
    private final Set<String> succeeded = new TreeSet<>();

    @AfterEach
    void stop() {
        server.close();
    }

    /** Sends a request as the admin token, or as {@code secret}, and holds the answer to the document. */
    AdminServer.Reply call(String method, String template, String path, String body, String... headers) {
        HttpRequest.Builder request = server.request(path);
        for (int i = 0; i < headers.length; i += 2) {
            request.setHeader(headers[i], headers[i + 1]);
        }
        if (body != null) {
            request.header("Content-Type", "application/json");
        }
        AdminServer.Reply reply = server.send(request.method(method, body == null
                ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofString(body)));
        contract.assertAnswers(method, template, reply);
        if (reply.status() < 300) {
            succeeded.add(method + " " + template);
            if (body != null) {
                contract.assertRequestValid(method, template, body);
            }
        }
        return reply;
    }

    @Test
    void everyOperationTheServerRegistersIsInTheDocumentAndNothingElseIs() {
        Set<String> registered = server.api.operations().stream().map(Operation::name)
                .collect(Collectors.toCollection(TreeSet::new));
        Set<String> documented = new TreeSet<>();
        contract.document().path("paths").properties().forEach(path -> path.getValue().properties().forEach(op -> {
            if (HTTP_METHODS.contains(op.getKey())) {
                documented.add(op.getKey().toUpperCase(Locale.ROOT) + " " + path.getKey());
            }
        }));

        assertThat(registered).hasSize(server.api.operations().size()).hasSizeGreaterThan(14);
        assertThat(documented).isEqualTo(registered);
    }

    @Test
    void eachOperationDocumentsTheScopeItRequires() {
        for (Operation operation : server.api.operations()) {
            JsonNode documented = contract.operation(operation.method().text(), operation.path());
            assertThat(documented.path("x-portico-scope").asText()).as(operation.name())
                    .isEqualTo(operation.scope().label());
            assertThat(documented.path("responses").has("401")).as("%s documents 401", operation.name()).isTrue();
            assertThat(documented.path("responses").has("429")).as("%s documents 429", operation.name()).isTrue();
        }
    }

    @Test
    void theServedDocumentIsOpenApi31WithTheBearerSchemeAndEveryReferenceResolves() {
        AdminServer.Reply served = server.get("/v1/openapi.json");

        assertThat(served.status()).isEqualTo(200);
        assertThat(served.json()).isEqualTo(contract.document());
        JsonNode document = contract.document();
        assertThat(document.path("openapi").asText()).isEqualTo("3.1.0");
        assertThat(document.path("components").path("securitySchemes").path("bearerAuth").path("scheme").asText())
                .isEqualTo("bearer");
        assertThat(document.path("security").get(0).has("bearerAuth")).isTrue();
        assertThat(contract.references()).isNotEmpty().allSatisfy(ref -> {
            assertThat(ref).startsWith("#/");
            assertThat(contract.resolve(ref.substring(1)).isMissingNode()).as("%s resolves", ref).isFalse();
        });
        assertThat(server.send(HttpRequest.newBuilder(server.uri("/v1/openapi.json")).GET()).status())
                .as("authenticated like everything else").isEqualTo(401);
    }

    @Test
    void sampleRequestsAndAnswersOfEveryOperationValidateAgainstTheDocument() {
        // Upstreams and routes: created, read, replaced, refused, conditional, deleted.
        String etag = call("PUT", "/v1/upstreams/{name}", "/v1/upstreams/app", UPSTREAM).header("ETag");
        call("PUT", "/v1/upstreams/{name}", "/v1/upstreams/app", "{\"name\":\"app\",\"targets\":[{\"url\":\"http://a:1\"}]}",
                "If-Match", etag);
        call("PUT", "/v1/upstreams/{name}", "/v1/upstreams/app", UPSTREAM, "If-Match", etag);
        call("PUT", "/v1/upstreams/{name}", "/v1/upstreams/app", "{\"targets\":[{\"url\":\"ftp://a\"}]}");
        call("PUT", "/v1/upstreams/{name}", "/v1/upstreams/app", "{\"targets\":[{\"url\":\"http://a:1\"}]}",
                "If-Match", "bad");
        call("PUT", "/v1/upstreams/{name}", "/v1/upstreams/app", "x".repeat(JsonBody.MAX_BYTES + 1));
        call("PUT", "/v1/upstreams/{name}", "/v1/upstreams/app", UPSTREAM, "Content-Type", "text/plain");
        call("PUT", "/v1/upstreams/{name}", "/v1/upstreams/spare", UPSTREAM, "If-None-Match", "*");
        call("GET", "/v1/upstreams", "/v1/upstreams", null);
        call("GET", "/v1/upstreams/{name}", "/v1/upstreams/app", null);
        call("GET", "/v1/upstreams/{name}", "/v1/upstreams/none", null);
        call("PUT", "/v1/upstreams/{name}", "/v1/upstreams/internal", "{\"targets\":[{\"url\":\"https://api.internal\"}],"
                + "\"tls\":{\"caPem\":" + TestCertificates.caPemJson() + "}}");
        call("GET", "/v1/upstreams/{name}", "/v1/upstreams/internal", null);
        call("PUT", "/v1/upstreams/{name}", "/v1/upstreams/tuned", """
                {"targets":[{"url":"http://127.0.0.1:9001","weight":3,"maxConnections":100},
                            {"url":"http://127.0.0.1:9002","drain":true}],
                 "policy":"hash","hashOn":"cookie:sid",
                 "healthCheck":{"path":"/healthz","intervalMs":500,"timeoutMs":200,"healthyAfter":2,"unhealthyAfter":3,
                                "expectStatus":"200-399"},
                 "passive":{"maxFailures":5,"windowMs":10000,"ejectMs":500,"maxEjectMs":20000,"count5xx":true},
                 "retries":{"attempts":1,"totalTimeoutMs":3000}}""");
        call("PUT", "/v1/upstreams/{name}", "/v1/upstreams/tuned", "{\"targets\":[{\"url\":\"http://a:1\"}],\"policy\":\"fastest\"}");
        call("GET", "/v1/upstreams/{name}", "/v1/upstreams/tuned", null);
        call("GET", "/v1/upstreams/{name}/health", "/v1/upstreams/tuned/health", null);
        call("GET", "/v1/upstreams/{name}/health", "/v1/upstreams/none/health", null);
        String routeEtag = call("PUT", "/v1/routes/{name}", "/v1/routes/api", """
                {"hosts":["example.com","*.example.org"],"pathPrefix":"/api/","upstream":"app","stripPrefix":true,
                 "preserveHost":false,"timeoutMs":30000,"redirectToHttps":true,
                 "hsts":{"maxAgeSeconds":31536000,"includeSubDomains":true,"preload":false},
                 "webSocketIdleTimeoutMs":120000}""").header("ETag");
        call("PUT", "/v1/routes/{name}", "/v1/routes/api", "{\"upstream\":\"app\"}", "If-Match", routeEtag);
        call("PUT", "/v1/routes/{name}", "/v1/routes/api", "{\"upstream\":\"app\"}", "If-Match", routeEtag);
        call("PUT", "/v1/routes/{name}", "/v1/routes/lost", "{\"upstream\":\"nowhere\"}");
        call("GET", "/v1/routes", "/v1/routes", null);
        call("GET", "/v1/routes/{name}", "/v1/routes/api", null);
        call("GET", "/v1/routes/{name}", "/v1/routes/none", null);
        call("DELETE", "/v1/upstreams/{name}", "/v1/upstreams/app", null);
        call("DELETE", "/v1/upstreams/{name}", "/v1/upstreams/spare", null, "If-Match", "\"1\"");
        call("DELETE", "/v1/upstreams/{name}", "/v1/upstreams/spare", null);
        call("DELETE", "/v1/upstreams/{name}", "/v1/upstreams/spare", null);
        call("DELETE", "/v1/routes/{name}", "/v1/routes/api", null, "If-Match", "\"1\"");
        call("DELETE", "/v1/routes/{name}", "/v1/routes/api", null);
        call("DELETE", "/v1/routes/{name}", "/v1/routes/api", null);

        // The whole configuration.
        String document = """
                {"upstreams":{"app":{"targets":[{"url":"http://127.0.0.1:9001"}]}},
                 "routes":{"web":{"upstream":"app"}}}""";
        String configEtag = call("PUT", "/v1/config", "/v1/config?dryRun=true", document).header("ETag");
        call("PUT", "/v1/config", "/v1/config", document, "If-Match", configEtag);
        call("PUT", "/v1/config", "/v1/config", document, "If-Match", configEtag);
        call("PUT", "/v1/config", "/v1/config", "{\"upstreams\":{},\"routes\":{\"web\":{\"upstream\":\"app\"}}}");
        call("PUT", "/v1/config", "/v1/config?dryRun=maybe", document);
        String export = call("GET", "/v1/config", "/v1/config", null).body();
        call("PUT", "/v1/config", "/v1/config", export);
        call("GET", "/v1/status", "/v1/status", null);

        // Tokens and the audit log.
        String reader = call("POST", "/v1/tokens", "/v1/tokens", "{\"name\":\"reader\",\"scope\":\"read\"}")
                .json().path("token").asText();
        call("POST", "/v1/tokens", "/v1/tokens", "{\"name\":\"reader\",\"scope\":\"read\"}");
        call("POST", "/v1/tokens", "/v1/tokens", "{\"name\":\"x\",\"scope\":\"root\"}");
        call("GET", "/v1/tokens", "/v1/tokens", null);
        call("PUT", "/v1/config", "/v1/config", document, "Authorization", "Bearer " + reader);
        call("GET", "/v1/tokens", "/v1/tokens", null, "Authorization", "Bearer " + reader);
        call("DELETE", "/v1/tokens/{name}", "/v1/tokens/admin", null);
        call("DELETE", "/v1/tokens/{name}", "/v1/tokens/reader", null);
        call("DELETE", "/v1/tokens/{name}", "/v1/tokens/reader", null);
        call("GET", "/v1/audit", "/v1/audit?limit=5", null);
        call("GET", "/v1/audit", "/v1/audit?limit=0", null);
        call("GET", "/v1/openapi.json", "/v1/openapi.json", null);

        // Certificates: stored, refused, malformed, listed, reloaded, deleted.
        call("PUT", "/v1/certificates/{name}", "/v1/certificates/site",
                "{\"certFile\":\"/live/site/fullchain.pem\",\"keyFile\":\"/live/site/privkey.pem\"}");
        call("PUT", "/v1/certificates/{name}", "/v1/certificates/site", "{\"certPem\":\"PEM\",\"keyPem\":\"KEY\"}");
        call("PUT", "/v1/certificates/{name}", "/v1/certificates/old", "{\"certPem\":\"expired\",\"keyPem\":\"KEY\"}");
        call("PUT", "/v1/certificates/{name}", "/v1/certificates/site", "{\"certPem\":\"PEM\",\"keyFile\":\"/k\"}");
        call("GET", "/v1/certificates", "/v1/certificates", null);
        call("GET", "/v1/certificates/{name}", "/v1/certificates/site", null);
        call("GET", "/v1/certificates/{name}", "/v1/certificates/none", null);
        call("POST", "/v1/certificates/{name}/reload", "/v1/certificates/site/reload", null);
        call("POST", "/v1/certificates/{name}/reload", "/v1/certificates/none/reload", null);
        call("POST", "/v1/certificates/reload", "/v1/certificates/reload", null);
        call("DELETE", "/v1/certificates/{name}", "/v1/certificates/site", null);
        call("DELETE", "/v1/certificates/{name}", "/v1/certificates/site", null);

        // Strangers, then a guesser.
        call("GET", "/v1/status", "/v1/status", null, "Authorization", "Bearer wrong");
        for (int i = 0; i < FailedAuthentications.MAX_FAILURES; i++) {
            call("GET", "/v1/routes", "/v1/routes", null, "Authorization", "Bearer wrong-" + i);
        }
        call("GET", "/v1/routes", "/v1/routes", null);

        Set<String> every = new HashSet<>(server.api.operations().stream().map(Operation::name).toList());
        assertThat(succeeded).as("operations answered with a 2xx").containsExactlyInAnyOrderElementsOf(every);
    }

    @Test
    void theProblemSchemaHoldsForEveryStatusTheApiUses() {
        List<Integer> statuses = List.of(400, 401, 403, 404, 409, 412, 413, 415, 429, 500);
        JsonNode problem = contract.resolve("/components/schemas/Problem");

        assertThat(problem.path("required")).extracting(JsonNode::asText)
                .containsExactly("type", "title", "status", "detail");
        for (int status : statuses) {
            assertThat(contract.document().toString()).as("some operation documents %d", status)
                    .contains("\"" + status + "\"");
        }
    }

    @Test
    void theContractCatchesAnswersTheDocumentDoesNotDescribe() {
        HttpHeaders json = HttpHeaders.of(
                Map.of("Content-Type", List.of("application/json")), (name, value) -> true);
        AdminServer.Reply missingField = new AdminServer.Reply(200, json,
                "{\"name\":\"app\"}".getBytes(StandardCharsets.UTF_8));
        AdminServer.Reply extraField = new AdminServer.Reply(200, json,
                "{\"name\":\"app\",\"targets\":[{\"url\":\"http://a:1\",\"weight\":1}],\"x\":1}"
                        .getBytes(StandardCharsets.UTF_8));
        AdminServer.Reply undocumentedStatus = new AdminServer.Reply(418, json, "{}".getBytes(StandardCharsets.UTF_8));

        assertThatThrownBy(() -> contract.assertAnswers("GET", "/v1/upstreams/{name}", missingField))
                .isInstanceOf(AssertionError.class);
        assertThatThrownBy(() -> contract.assertAnswers("GET", "/v1/upstreams/{name}", extraField))
                .isInstanceOf(AssertionError.class);
        assertThatThrownBy(() -> contract.assertAnswers("GET", "/v1/upstreams/{name}", undocumentedStatus))
                .isInstanceOf(AssertionError.class);
        assertThatThrownBy(() -> contract.assertRequestValid("PUT", "/v1/routes/{name}", "{\"upstream\":1}"))
                .isInstanceOf(AssertionError.class);
    }
}
