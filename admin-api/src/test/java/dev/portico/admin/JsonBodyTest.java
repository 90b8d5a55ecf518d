package dev.portico.admin;

import dev.portico.domain.model.Configuration;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.params.provider.ValueSource;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.net.http.HttpRequest;
import java.nio.charset.StandardCharsets;
import java.util.HexFormat;
import java.util.stream.Stream;

import static dev.portico.admin.Problems.assertProblem;
import static dev.portico.admin.Problems.fields;
import static dev.portico.admin.Problems.message;
import static org.assertj.core.api.Assertions.assertThat;

/** What a PUT body must be: JSON of the right shape, types and size; anything else is refused and nothing stored. */
class JsonBodyTest {
    private static final String ROUTE = "{\"upstream\":\"app\"}";

    private final AdminServer server = AdminServer.start();
    private Configuration before;

    @BeforeEach
    void upstream() {
        assertThat(server.put("/v1/upstreams/app", "{\"targets\":[{\"url\":\"http://127.0.0.1:9001\"}]}").status())
                .isEqualTo(201);
        before = server.store.load();
    }

    @AfterEach
    void stop() {
        server.close();
    }

    @Test
    void malformedJsonIs400OnTheBodyWithWhereReadingStopped() {
        AdminServer.Reply refused = server.put("/v1/routes/api", "{\"upstream\": \"app\",\n \"pathPrefix\" \"/api/\"}");

        assertProblem(refused, 400);
        assertThat(fields(refused)).containsExactly("body");
        assertThat(message(refused, "body")).contains("not valid JSON", "line 2, column");
        assertThat(server.store.load()).isEqualTo(before);
    }

    @Test
    void anUnclosedObjectIs400SayingWhereItWasOpened() {
        AdminServer.Reply refused = server.put("/v1/routes/api", "\n  {\"upstream\": \"app\"");

        assertProblem(refused, 400);
        assertThat(message(refused, "body")).contains("opened at line 2, column 3");
        assertThat(server.store.load()).isEqualTo(before);
    }

    static Stream<Arguments> wrongTypes() {
        String upstreams = "/v1/upstreams/web";
        String routes = "/v1/routes/api";
        return Stream.of(
                Arguments.of(upstreams, json("{'targets':[{'url':'http://127.0.0.1:1','weight':'1'}]}"),
                        "targets[0].weight", "whole number"),
                Arguments.of(upstreams,
                        json("{'targets':[{'url':'http://127.0.0.1:1'},{'url':'http://127.0.0.1:2','weight':1.5}]}"),
                        "targets[1].weight", "whole number"),
                Arguments.of(upstreams, json("{'targets':[{'url':'http://127.0.0.1:1','weight':99999999999}]}"),
                        "targets[0].weight", "out of range"),
                Arguments.of(upstreams, json("{'targets':[{'url':9001}]}"), "targets[0].url", "string"),
                Arguments.of(upstreams, json("{'targets':{'url':'http://127.0.0.1:1'}}"), "targets", "array"),
                Arguments.of(upstreams, json("{'targets':['http://127.0.0.1:1']}"), "targets[0]", "object"),
                Arguments.of(routes, json("{'upstream':'app','stripPrefix':'true'}"), "stripPrefix", "true or false"),
                Arguments.of(routes, json("{'upstream':'app','preserveHost':1}"), "preserveHost", "true or false"),
                Arguments.of(routes, json("{'upstream':'app','hosts':'example.com'}"), "hosts", "array"),
                Arguments.of(routes, json("{'upstream':'app','hosts':['example.com',7]}"), "hosts[1]", "string"),
                Arguments.of(routes, json("{'upstream':'app','timeoutMs':'60000'}"), "timeoutMs", "whole number"),
                Arguments.of(routes, json("{'upstream':'app','pathPrefix':true}"), "pathPrefix", "string"),
                Arguments.of(routes, json("{'upstream':['app']}"), "upstream", "string"),
                Arguments.of(routes, json("{'name':5,'upstream':'app'}"), "name", "string"));
    }

    @ParameterizedTest
    @MethodSource("wrongTypes")
    void aValueOfTheWrongJsonTypeIs400OnItsPath(String path, String body, String field, String expected) {
        AdminServer.Reply refused = server.put(path, body);

        assertProblem(refused, 400);
        assertThat(fields(refused)).containsExactly(field);
        assertThat(message(refused, field)).contains(expected);
        assertThat(server.store.load()).isEqualTo(before);
    }

    @Test
    void anUnknownFieldIsRefusedRatherThanIgnoredAndALikelyTypoIsNamed() {
        AdminServer.Reply refused = server.put("/v1/routes/api", "{\"upstream\":\"app\",\"pathprefix\":\"/api/\"}");

        assertProblem(refused, 400);
        assertThat(fields(refused)).containsExactly("pathprefix");
        assertThat(message(refused, "pathprefix")).contains("'pathPrefix'");
        assertThat(server.store.load()).isEqualTo(before);
    }

    @Test
    void everyUnknownFieldIsNamedWithItsPath() {
        AdminServer.Reply refused = server.put("/v1/upstreams/web", """
                {"targets":[{"url":"http://127.0.0.1:1"},{"url":"http://127.0.0.1:2","wieght":2,"tags":{"a":[1]}}],
                 "healthCheck":{"path":"/health","every":"5s"},"lables":{"a":"b"}}""");

        assertProblem(refused, 400);
        assertThat(fields(refused)).containsExactly("targets[1].wieght", "targets[1].tags", "healthCheck.every", "lables");
        assertThat(message(refused, "lables")).contains("name", "targets", "policy", "healthCheck", "retries");
        assertThat(server.store.load()).isEqualTo(before);
    }

    @Test
    void unknownFieldsAreNamedTogetherWithAWrongType() {
        AdminServer.Reply refused = server.put("/v1/routes/api", "{\"upstrem\":\"app\",\"timeoutMs\":\"1\"}");

        assertProblem(refused, 400);
        assertThat(fields(refused)).containsExactly("upstrem", "timeoutMs");
    }

    @ParameterizedTest
    @ValueSource(strings = {"null", "[]", "[{\"upstream\":\"app\"}]", "\"app\"", "42", "true",
            "{\"upstream\":\"app\",\"upstream\":\"other\"}", "{\"upstream\":\"app\"} {}", "{\"upstream\":\"app\"",
            "{'upstream':'app'}", "{\"upstream\":\"app\",}"})
    void aBodyThatIsNotOneJsonObjectIs400OnTheBody(String body) {
        AdminServer.Reply refused = server.put("/v1/routes/api", body);

        assertProblem(refused, 400);
        assertThat(fields(refused)).containsExactly("body");
        assertThat(server.store.load()).isEqualTo(before);
    }

    @ParameterizedTest
    @ValueSource(strings = {"", " \n\t "})
    void anEmptyBodyIs400OnTheBody(String body) {
        AdminServer.Reply refused = server.put("/v1/routes/api", body);

        assertProblem(refused, 400);
        assertThat(fields(refused)).containsExactly("body");
        assertThat(message(refused, "body")).contains("required");
        assertThat(server.store.load()).isEqualTo(before);
    }

    @Test
    void aPutWithNoBodyAtAllIs400OnTheBody() {
        AdminServer.Reply refused = server.send(server.request("/v1/routes/api")
                .PUT(HttpRequest.BodyPublishers.noBody()));

        assertProblem(refused, 400);
        assertThat(fields(refused)).containsExactly("body");
    }

    @Test
    void bytesThatAreNotUtf8Are400OnTheBody() {
        String body = json("{'upstream':'app','hosts':['b\u00fccher.example']}");
        byte[] latin1 = body.getBytes(StandardCharsets.ISO_8859_1);

        AdminServer.Reply refused = server.send(server.request("/v1/routes/api")
                .header("Content-Type", "application/json")
                .PUT(HttpRequest.BodyPublishers.ofByteArray(latin1)));

        assertProblem(refused, 400);
        assertThat(fields(refused)).containsExactly("body");
        assertThat(server.store.load()).isEqualTo(before);
    }

    /**
     * Byte sequences that lenient decoders read as characters: overlong forms of '/' (2, 3 and 4 bytes), UTF-16
     * surrogates encoded as UTF-8, code points above U+10FFFF, a byte that never starts a sequence, a truncated one.
     */
    @ParameterizedTest
    @ValueSource(strings = {"C0 AF", "E0 80 AF", "F0 80 80 AF", "ED A0 80", "ED BF BF", "F4 90 80 80", "F5 80 80 80",
            "F8 88 80 80 80", "E2 82"})
    void refusesOverlongSurrogateAndOutOfRangeUtf8InABodyWith400AndStoresNothing(String bytes) {
        byte[] body = concat(json("{'upstream':'app','pathPrefix':'/").getBytes(StandardCharsets.US_ASCII),
                HexFormat.ofDelimiter(" ").parseHex(bytes), json("'}").getBytes(StandardCharsets.US_ASCII));

        RawHttp.Answer answer = RawHttp.exchange(server,
                RawHttp.request("PUT", "/v1/routes/api", "Content-Type: application/json\r\n", body));

        assertThat(answer.statusLine()).startsWith("HTTP/1.1 400 ");
        AdminServer.Reply refused = answer.reply();
        assertProblem(refused, 400);
        assertThat(fields(refused)).containsExactly("body");
        assertThat(message(refused, "body")).contains("UTF-8", "offset 33");
        assertThat(server.store.load()).isEqualTo(before);
    }

    @Test
    void takesWellFormedUtf8OfEveryLengthInABody() {
        // 2 and 3 bytes in host names (stored as xn--), 4 bytes in a path prefix: refused by the route's own rules,
        // on its field, which shows that the body itself was read.
        byte[] hosts = json("{'upstream':'app','hosts':['b\u00fccher.example','\u4f8b\u3048.example']}")
                .getBytes(StandardCharsets.UTF_8);
        byte[] emoji = json("{'upstream':'app','pathPrefix':'/\ud83d\ude00'}").getBytes(StandardCharsets.UTF_8);

        RawHttp.Answer created = RawHttp.exchange(server,
                RawHttp.request("PUT", "/v1/routes/api", "Content-Type: application/json\r\n", hosts));
        RawHttp.Answer refused = RawHttp.exchange(server,
                RawHttp.request("PUT", "/v1/routes/web", "Content-Type: application/json\r\n", emoji));

        assertThat(created.statusLine()).as("%s", created).startsWith("HTTP/1.1 201 ");
        assertThat(created.reply().json().path("hosts").toString()).contains("xn--bcher-kva.example", "xn--");
        assertProblem(refused.reply(), 400);
        assertThat(fields(refused.reply())).containsExactly("pathPrefix");
    }

    @Test
    void deeplyNestedJsonIs400NotAServerError() {
        String deep = "[".repeat(5000) + "]".repeat(5000);

        AdminServer.Reply refused = server.put("/v1/routes/api", "{\"upstream\":\"app\",\"extra\":" + deep + "}");

        assertProblem(refused, 400);
        assertThat(message(refused, "body")).contains("nested too deeply");
        assertThat(server.store.load()).isEqualTo(before);
    }

    @ParameterizedTest
    @ValueSource(strings = {"text/plain", "application/xml", "application/x-www-form-urlencoded",
            "application/json; charset=iso-8859-1", "json", "text/json"})
    void aPutWhoseContentTypeIsNotJsonIs415(String contentType) {
        AdminServer.Reply refused = server.send(server.request("/v1/routes/api")
                .header("Content-Type", contentType)
                .PUT(HttpRequest.BodyPublishers.ofString(ROUTE)));

        assertProblem(refused, 415);
        assertThat(refused.header("Accept")).isEqualTo("application/json");
        assertThat(server.store.load()).isEqualTo(before);
    }

    @ParameterizedTest
    @ValueSource(strings = {"application/json", "application/json; charset=UTF-8", "Application/JSON",
            "application/vnd.portico.route+json", "application/merge-patch+json"})
    void aPutWithAJsonContentTypeIsAccepted(String contentType) {
        AdminServer.Reply created = server.send(server.request("/v1/routes/api")
                .header("Content-Type", contentType)
                .PUT(HttpRequest.BodyPublishers.ofString(ROUTE)));

        assertThat(created.status()).as("%s", created).isEqualTo(201);
    }

    @Test
    void refusesABodyWithoutContentTypeWith415AndStoresNothing() {
        HttpRequest request = server.request("/v1/routes/api").PUT(HttpRequest.BodyPublishers.ofString(ROUTE)).build();
        assertThat(request.headers().firstValue("Content-Type")).isEmpty();

        AdminServer.Reply refused = server.send(request);

        assertProblem(refused, 415);
        assertThat(fields(refused)).containsExactly("Content-Type");
        assertThat(refused.header("Accept")).isEqualTo("application/json");
        assertThat(server.store.load()).isEqualTo(before);
    }

    @Test
    void refusesATokenRequestWithoutContentTypeWith415() {
        AdminServer.Reply refused = server.send(server.request("/v1/tokens")
                .POST(HttpRequest.BodyPublishers.ofString("{\"name\":\"ci\",\"scope\":\"read\"}")));

        assertProblem(refused, 415);
        assertThat(server.tokenStore.tokens()).extracting("name").doesNotContain("ci");
    }

    @Test
    void aBodyOfExactlyOneMebibyteIsAccepted() {
        AdminServer.Reply created = server.put("/v1/routes/api", padded(ROUTE, JsonBody.MAX_BYTES));

        assertThat(created.status()).as("%s", created).isEqualTo(201);
    }

    @Test
    void aBodyOverOneMebibyteWithContentLengthIs413() {
        AdminServer.Reply refused = server.put("/v1/routes/api", padded(ROUTE, JsonBody.MAX_BYTES + 1));

        assertProblem(refused, 413);
        assertThat(server.store.load()).isEqualTo(before);
        assertThat(server.get("/v1/routes").status()).isEqualTo(200);
    }

    @Test
    void aChunkedBodyOverOneMebibyteIs413() {
        byte[] body = padded(ROUTE, JsonBody.MAX_BYTES + 1).getBytes(StandardCharsets.UTF_8);

        // No length known in advance: the client sends the body chunked.
        AdminServer.Reply refused = server.send(server.request("/v1/routes/api")
                .header("Content-Type", "application/json")
                .PUT(HttpRequest.BodyPublishers.ofInputStream(() -> new ByteArrayInputStream(body))));

        assertProblem(refused, 413);
        assertThat(server.store.load()).isEqualTo(before);
    }

    @Test
    void aClientWaitingFor100ContinueGets413WithoutSendingItsBodyAndCanGoOn() {
        AdminServer.Reply refused = server.send(server.request("/v1/routes/api")
                .expectContinue(true)
                .header("Content-Type", "application/json")
                .PUT(HttpRequest.BodyPublishers.ofString(padded(ROUTE, 2 * JsonBody.MAX_BYTES))));

        assertProblem(refused, 413);
        assertThat(refused.header("Connection")).isEqualTo("close");
        assertThat(server.put("/v1/routes/api", ROUTE).status()).isEqualTo(201);
    }

    @Test
    void aClientWaitingFor100ContinueGetsItsBodyReadWhenAllIsWell() {
        AdminServer.Reply created = server.send(server.request("/v1/routes/api")
                .expectContinue(true)
                .header("Content-Type", "application/json")
                .PUT(HttpRequest.BodyPublishers.ofString(ROUTE)));

        assertThat(created.status()).as("%s", created).isEqualTo(201);
        assertThat(created.header("Connection")).isNotEqualTo("close");
    }

    private static byte[] concat(byte[]... parts) {
        ByteArrayOutputStream all = new ByteArrayOutputStream();
        for (byte[] part : parts) {
            all.writeBytes(part);
        }
        return all.toByteArray();
    }

    /** JSON written with single quotes, for readability. */
    private static String json(String singleQuoted) {
        return singleQuoted.replace('\'', '"');
    }

    /** {@code json} followed by spaces up to exactly {@code length} bytes. */
    private static String padded(String json, int length) {
        return json + " ".repeat(length - json.getBytes(StandardCharsets.UTF_8).length);
    }
}
