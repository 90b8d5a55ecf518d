package dev.portico.admin;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Assume;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.ShrinkingMode;
import net.jqwik.api.statistics.Statistics;
import net.jqwik.api.lifecycle.AfterContainer;
import net.jqwik.api.lifecycle.BeforeContainer;
import net.jqwik.api.lifecycle.BeforeTry;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.net.http.HttpRequest;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.function.Supplier;
import java.util.regex.Pattern;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Bad input at every write endpoint, generated: random and malformed JSON, wrong types, huge bodies, unicode hosts,
 * duplicate names, references to missing upstreams. The answer must always be a 4xx problem+json naming the field at
 * fault (or {@code body}), never a 500, and the stored configuration and tokens must be as they were.
 */
class BadInputPropertiesTest {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final JsonNodeFactory NODES = JsonNodeFactory.instance;
    /** Characters no host name can hold, in any script: at least one of them makes a host invalid. */
    private static final String NEVER_IN_HOSTS = " /@#?:\\%\t\"<>[]{}|^`,;=+!$&'()~";
    private static final Pattern ASCII_HOST = Pattern.compile("(\\*\\.)?[a-z0-9_.-]+");

    private static AdminServer server;
    private static String configBefore;
    private static String tokensBefore;

    /** A write endpoint: where it is, and a valid body for it, which the properties then spoil. */
    record Target(String method, String path, String validBody) {
        @Override
        public String toString() {
            return method + " " + path;
        }
    }

    private static final List<Target> WRITE_ENDPOINTS = List.of(
            new Target("PUT", "/v1/upstreams/new", "{\"targets\":[{\"url\":\"http://127.0.0.1:9002\",\"weight\":2}]}"),
            new Target("PUT", "/v1/upstreams/app", "{\"targets\":[{\"url\":\"http://127.0.0.1:9003\"}]}"),
            new Target("PUT", "/v1/routes/new", "{\"upstream\":\"app\",\"hosts\":[\"example.com\"],\"pathPrefix\":\"/n/\","
                    + "\"stripPrefix\":true,\"preserveHost\":false,\"timeoutMs\":1000}"),
            new Target("PUT", "/v1/routes/web", "{\"upstream\":\"app\",\"pathPrefix\":\"/w/\"}"),
            new Target("PUT", "/v1/config", "{\"upstreams\":{\"app\":{\"targets\":[{\"url\":\"http://127.0.0.1:9004\"}]}},"
                    + "\"routes\":{\"web\":{\"upstream\":\"app\"}}}"),
            new Target("POST", "/v1/tokens", "{\"name\":\"ci\",\"scope\":\"read\"}"));

    @BeforeContainer
    static void start() {
        server = AdminServer.start();
        assertThat(server.put("/v1/upstreams/app", "{\"targets\":[{\"url\":\"http://127.0.0.1:9001\"}]}").status())
                .isEqualTo(201);
        assertThat(server.put("/v1/routes/web", "{\"upstream\":\"app\"}").status()).isEqualTo(201);
        configBefore = server.get("/v1/config").body();
        tokensBefore = server.get("/v1/tokens").body();
    }

    @AfterContainer
    static void stop() {
        server.close();
    }

    @BeforeTry
    void nothingChangedBefore() {
        assertUnchanged();
    }

    // ---- the properties ----

    @Property(tries = 300, shrinking = ShrinkingMode.BOUNDED)
    void randomJsonIsRefusedNamingAField(@ForAll("writeEndpoints") Target target, @ForAll("anyJson") JsonNode body) {
        assertRefused(send(target, body.toString()));
    }

    @Property(tries = 300, shrinking = ShrinkingMode.BOUNDED)
    void malformedJsonIsRefusedOnTheBody(@ForAll("writeEndpoints") Target target,
                                         @ForAll("spoilers") Spoiler spoiler) {
        String malformed = spoiler.spoil(target.validBody());
        // A cut at the very end, say, can leave valid JSON: that try does not count.
        Assume.that(!parses(malformed));

        AdminServer.Reply reply = send(target, malformed);

        assertRefused(reply);
        assertThat(fields(reply)).containsExactly(Problem.BODY);
    }

    @Property(tries = 100, shrinking = ShrinkingMode.BOUNDED)
    void bytesThatAreNotUtf8AreRefusedOnTheBody(@ForAll("writeEndpoints") Target target,
                                                @ForAll("notUtf8") byte[] body) {
        AdminServer.Reply reply = server.send(request(target)
                .method(target.method(), HttpRequest.BodyPublishers.ofByteArray(body)));

        assertRefused(reply);
        assertThat(fields(reply)).containsExactly(Problem.BODY);
    }

    @Property(tries = 300, shrinking = ShrinkingMode.BOUNDED)
    void aValueOfTheWrongTypeIsRefusedNamingItsPath(@ForAll("wrongTypes") WrongType wrong) {
        AdminServer.Reply reply = send(wrong.target(), wrong.body());

        assertRefused(reply);
        assertThat(fields(reply)).contains(wrong.path());
    }

    @Property(tries = 300, shrinking = ShrinkingMode.BOUNDED)
    void aHostThatCannotBeAHostIsRefusedNamingIt(@ForAll("impossibleHosts") String host) {
        ObjectNode route = route("app");
        route.putArray("hosts").add("example.com").add(host);

        AdminServer.Reply reply = send(WRITE_ENDPOINTS.get(2), route.toString());

        assertRefused(reply);
        assertThat(fields(reply)).containsExactly("hosts[1]");
    }

    @Property(tries = 300, shrinking = ShrinkingMode.BOUNDED)
    void anyUnicodeHostIsStoredInItsAsciiFormOrRefusedNamingIt(@ForAll("unicodeHosts") String host) {
        ObjectNode route = route("app");
        route.putArray("hosts").add(host);

        AdminServer.Reply reply = server.put("/v1/routes/unicode", route.toString());

        Statistics.label("outcome").collect(reply.status() == 201 ? "stored" : "refused");
        // Both branches must be exercised, or the property says less than its name.
        Statistics.label("outcome").coverage(coverage -> {
            coverage.check("stored").count(count -> count > 0);
            coverage.check("refused").count(count -> count > 0);
        });
        if (reply.status() == 201) {
            assertThat(reply.json().path("hosts").get(0).asText()).matches(ASCII_HOST);
            assertThat(server.delete("/v1/routes/unicode").status()).isEqualTo(204);
            // Put back exactly: the deletion moved the revision on, so compare without it.
            configBefore = server.get("/v1/config").body();
        } else {
            assertRefused(reply);
            assertThat(fields(reply)).containsExactly("hosts[0]");
        }
    }

    @Property(tries = 200, shrinking = ShrinkingMode.BOUNDED)
    void duplicateNamesAreRefused(@ForAll("duplicates") Duplicate duplicate) {
        AdminServer.Reply reply = send(duplicate.target(), duplicate.body());

        assertRefused(reply);
        assertThat(fields(reply)).containsExactly(duplicate.field());
    }

    @Property(tries = 200, shrinking = ShrinkingMode.BOUNDED)
    void aRouteToAMissingUpstreamIsRefusedNamingTheReference(@ForAll("missingNames") String missing,
                                                             @ForAll boolean wholeConfig) {
        AdminServer.Reply reply;
        String field;
        if (wholeConfig) {
            ObjectNode config = (ObjectNode) parse(WRITE_ENDPOINTS.get(4).validBody());
            ((ObjectNode) config.path("routes")).set("lost", route(missing));
            reply = send(WRITE_ENDPOINTS.get(4), config.toString());
            field = "routes.lost.upstream";
        } else {
            reply = send(WRITE_ENDPOINTS.get(2), route(missing).toString());
            field = "upstream";
        }

        assertRefused(reply);
        assertThat(fields(reply)).containsExactly(field);
    }

    @Property(tries = 12, shrinking = ShrinkingMode.OFF)
    void aBodyOverOneMebibyteIs413(@ForAll("writeEndpoints") Target target,
                                   @ForAll("excess") int excess, @ForAll boolean chunked) {
        byte[] body = new byte[JsonBody.MAX_BYTES + excess];
        java.util.Arrays.fill(body, (byte) ' ');
        body[0] = '{';
        Supplier<java.io.InputStream> stream = () -> new ByteArrayInputStream(body);
        HttpRequest.BodyPublisher publisher = chunked
                ? HttpRequest.BodyPublishers.ofInputStream(stream)
                : HttpRequest.BodyPublishers.ofByteArray(body);

        AdminServer.Reply reply = server.send(request(target).method(target.method(), publisher));

        assertThat(reply.status()).as("%s", reply).isEqualTo(413);
        assertRefused(reply);
        assertThat(fields(reply)).containsExactly(Problem.BODY);
    }

    // ---- the generators ----

    @Provide
    Arbitrary<Target> writeEndpoints() {
        return Arbitraries.of(WRITE_ENDPOINTS);
    }

    /** Any JSON value at all, nested a few levels, with field names both known to the API and not. */
    @Provide
    Arbitrary<JsonNode> anyJson() {
        return json(3).filter(BadInputPropertiesTest::cannotBeValid);
    }

    private Arbitrary<JsonNode> json(int depth) {
        Arbitrary<JsonNode> scalars = Arbitraries.oneOf(
                Arbitraries.strings().ofMaxLength(12).map(NODES::textNode),
                Arbitraries.longs().map(NODES::numberNode),
                Arbitraries.doubles().map(NODES::numberNode),
                Arbitraries.of(true, false).map(NODES::booleanNode),
                Arbitraries.just(NODES.nullNode()));
        if (depth == 0) {
            return scalars;
        }
        Arbitrary<String> keys = Arbitraries.oneOf(
                Arbitraries.of("targets", "url", "weight", "name", "upstream", "hosts", "pathPrefix", "stripPrefix",
                        "preserveHost", "timeoutMs", "upstreams", "routes", "revision", "scope", "app", "web"),
                Arbitraries.strings().ofMaxLength(8));
        Arbitrary<JsonNode> objects = Arbitraries.maps(keys, Arbitraries.lazy(() -> json(depth - 1))).ofMaxSize(4)
                .map(map -> {
                    ObjectNode node = NODES.objectNode();
                    map.forEach(node::set);
                    return node;
                });
        Arbitrary<JsonNode> arrays = Arbitraries.lazy(() -> json(depth - 1)).list().ofMaxSize(4).map(list -> {
            ArrayNode node = NODES.arrayNode();
            list.forEach(node::add);
            return node;
        });
        return Arbitraries.frequencyOf(
                net.jqwik.api.Tuple.of(2, scalars), net.jqwik.api.Tuple.of(5, objects), net.jqwik.api.Tuple.of(2, arrays));
    }

    /** A way to break JSON text: cut it, or put a stray character into it. */
    record Spoiler(int position, boolean cut, char stray) {
        String spoil(String json) {
            int at = Math.floorMod(position, json.length());
            return cut ? json.substring(0, at) : json.substring(0, at) + stray + json.substring(at);
        }
    }

    @Provide
    Arbitrary<Spoiler> spoilers() {
        return Combinators.combine(Arbitraries.integers(), Arbitraries.of(true, false),
                Arbitraries.of('{', '}', '[', ']', '"', ',', ':', '\\', '\u0000', 'x', '\n', '\u00e9'))
                .as(Spoiler::new);
    }

    @Provide
    Arbitrary<byte[]> notUtf8() {
        // A lone continuation byte or a truncated sequence inside an otherwise valid string.
        return Arbitraries.of((byte) 0x80, (byte) 0xC3, (byte) 0xE2, (byte) 0xFF, (byte) 0xF5).map(bad -> {
            byte[] prefix = "{\"name\":\"".getBytes(StandardCharsets.UTF_8);
            byte[] suffix = "\",\"scope\":\"read\"}".getBytes(StandardCharsets.UTF_8);
            byte[] body = new byte[prefix.length + 1 + suffix.length];
            System.arraycopy(prefix, 0, body, 0, prefix.length);
            body[prefix.length] = bad;
            System.arraycopy(suffix, 0, body, prefix.length + 1, suffix.length);
            return body;
        });
    }

    /** A valid body with the value at {@code path} replaced by one of another JSON type. */
    record WrongType(Target target, String path, String body) {
    }

    @Provide
    Arbitrary<WrongType> wrongTypes() {
        Arbitrary<JsonNode> notAString = Arbitraries.of(NODES.numberNode(1), NODES.booleanNode(true),
                NODES.arrayNode(), NODES.objectNode(), NODES.numberNode(1.5));
        Arbitrary<JsonNode> notANumber = Arbitraries.of(NODES.textNode("1"), NODES.booleanNode(false),
                NODES.arrayNode(), NODES.objectNode(), NODES.numberNode(1.5), NODES.numberNode(1e30));
        Arbitrary<JsonNode> notABoolean = Arbitraries.of(NODES.textNode("true"), NODES.numberNode(1),
                NODES.arrayNode(), NODES.objectNode());
        Arbitrary<JsonNode> notAnArray = Arbitraries.of(NODES.textNode("x"), NODES.numberNode(1),
                NODES.booleanNode(true), NODES.objectNode());
        Arbitrary<JsonNode> notAnObject = Arbitraries.of(NODES.textNode("x"), NODES.numberNode(1),
                NODES.booleanNode(true), NODES.arrayNode());
        return Arbitraries.oneOf(
                replaced(0, "targets", notAnArray),
                replaced(0, "targets[0]", notAnObject),
                replaced(0, "targets[0].url", notAString),
                replaced(0, "targets[0].weight", notANumber),
                replaced(2, "upstream", notAString),
                replaced(2, "hosts", notAnArray),
                replaced(2, "hosts[0]", notAString),
                replaced(2, "pathPrefix", notAString),
                replaced(2, "stripPrefix", notABoolean),
                replaced(2, "preserveHost", notABoolean),
                replaced(2, "timeoutMs", notANumber),
                replaced(4, "upstreams", notAnObject),
                replaced(4, "routes", notAnObject),
                replaced(4, "upstreams.app", notAnObject),
                replaced(4, "upstreams.app.targets[0].weight", notANumber),
                replaced(4, "routes.web.upstream", notAString),
                replaced(5, "name", notAString),
                replaced(5, "scope", notAString));
    }

    private Arbitrary<WrongType> replaced(int endpoint, String path, Arbitrary<JsonNode> values) {
        Target target = WRITE_ENDPOINTS.get(endpoint);
        return values.map(value -> new WrongType(target, path, with(parse(target.validBody()), path, value).toString()));
    }

    /** Random unicode strings, each with at least one character that no host name can hold. */
    @Provide
    Arbitrary<String> impossibleHosts() {
        return Combinators.combine(Arbitraries.strings().ofMaxLength(10), Arbitraries.of(NEVER_IN_HOSTS.toCharArray()),
                        Arbitraries.strings().ofMaxLength(10))
                .as((before, bad, after) -> before + bad + after)
                .filter(host -> !host.isBlank() && host.strip().chars().anyMatch(c -> NEVER_IN_HOSTS.indexOf(c) >= 0));
    }

    /** Host-like strings from many scripts, some valid, some not. */
    @Provide
    Arbitrary<String> unicodeHosts() {
        Arbitrary<String> label = Arbitraries.oneOf(
                Arbitraries.strings().withCharRange('a', 'z').ofMinLength(1).ofMaxLength(10),
                Arbitraries.strings().withCharRange('\u00e0', '\u00ff').ofMinLength(1).ofMaxLength(8),
                Arbitraries.strings().withCharRange('\u0400', '\u04ff').ofMinLength(1).ofMaxLength(8),
                Arbitraries.strings().withCharRange('\u4e00', '\u4fff').ofMinLength(1).ofMaxLength(5),
                Arbitraries.strings().withCharRange('\u3040', '\u30ff').ofMinLength(1).ofMaxLength(5),
                Arbitraries.strings().withCharRange('\u0600', '\u06ff').ofMinLength(1).ofMaxLength(6),
                Arbitraries.strings().ofMinLength(1).ofMaxLength(6));
        return label.list().ofMinSize(1).ofMaxSize(4).map(labels -> String.join(".", labels));
    }

    /** A body naming something twice, and the field the refusal must name. */
    record Duplicate(Target target, String body, String field) {
    }

    @Provide
    Arbitrary<Duplicate> duplicates() {
        Arbitrary<String> names = Arbitraries.strings().withCharRange('a', 'z').ofMinLength(1).ofMaxLength(8);
        return Arbitraries.oneOf(
                // The same key twice in one object: JSON's objects have unique keys.
                names.map(name -> new Duplicate(WRITE_ENDPOINTS.get(4), "{\"upstreams\":{\"" + name
                        + "\":{\"targets\":[{\"url\":\"http://a:1\"}]},\"" + name
                        + "\":{\"targets\":[{\"url\":\"http://b:1\"}]}},\"routes\":{}}", Problem.BODY)),
                Arbitraries.of(WRITE_ENDPOINTS).map(target -> {
                    String body = target.validBody();
                    String key = body.substring(1, body.indexOf(':'));
                    return new Duplicate(target, "{" + key + ":null," + body.substring(1), Problem.BODY);
                }),
                // A name that contradicts the path or the key it is under.
                names.filter(name -> !name.equals("new")).map(name -> new Duplicate(WRITE_ENDPOINTS.get(0),
                        "{\"name\":\"" + name + "\",\"targets\":[{\"url\":\"http://a:1\"}]}", "name")),
                names.filter(name -> !name.equals("app")).map(name -> new Duplicate(WRITE_ENDPOINTS.get(4),
                        "{\"upstreams\":{\"app\":{\"name\":\"" + name + "\",\"targets\":[{\"url\":\"http://a:1\"}]}},"
                                + "\"routes\":{}}", "upstreams.app.name")),
                // The same target twice in one upstream.
                Arbitraries.integers().between(1, 65535).map(port -> new Duplicate(WRITE_ENDPOINTS.get(0),
                        "{\"targets\":[{\"url\":\"http://h:" + port + "\"},{\"url\":\"HTTP://H:" + port + "/\"}]}",
                        "targets[1].url")),
                // A token name that is taken.
                Arbitraries.just(new Duplicate(WRITE_ENDPOINTS.get(5), "{\"name\":\"admin\",\"scope\":\"read\"}",
                        "name")));
    }

    @Provide
    Arbitrary<String> missingNames() {
        return Arbitraries.strings().withCharRange('a', 'z').numeric().withChars('-', '.', '_')
                .ofMinLength(1).ofMaxLength(30)
                .filter(name -> Character.isLetterOrDigit(name.charAt(0)) && !name.equals("app"));
    }

    @Provide
    Arbitrary<Integer> excess() {
        return Arbitraries.integers().between(1, 64 * 1024);
    }

    // ---- helpers ----

    private static HttpRequest.Builder request(Target target) {
        return server.request(target.path()).header("Content-Type", "application/json");
    }

    private static AdminServer.Reply send(Target target, String body) {
        return server.send(request(target).method(target.method(), HttpRequest.BodyPublishers.ofString(body)));
    }

    /** A 4xx problem+json whose errors each name a field, and nothing stored changed. */
    private static void assertRefused(AdminServer.Reply reply) {
        assertThat(reply.status()).as("%s", reply).isBetween(400, 499);
        assertThat(reply.contentType()).as("%s", reply).isEqualTo("application/problem+json");
        JsonNode errors = reply.json().path("errors");
        assertThat(errors.isArray() && !errors.isEmpty()).as("errors named in %s", reply).isTrue();
        errors.forEach(error -> assertThat(error.path("field").asText()).as("%s", reply).isNotBlank());
        assertUnchanged();
    }

    private static void assertUnchanged() {
        assertThat(server.get("/v1/config").body()).isEqualTo(configBefore);
        assertThat(server.get("/v1/tokens").body()).isEqualTo(tokensBefore);
    }

    private static List<String> fields(AdminServer.Reply reply) {
        return Problems.fields(reply);
    }

    private static ObjectNode route(String upstream) {
        ObjectNode route = NODES.objectNode();
        route.put("upstream", upstream);
        route.put("pathPrefix", "/r/");
        return route;
    }

    private static JsonNode parse(String json) {
        try {
            return JSON.readTree(json);
        } catch (IOException e) {
            throw new IllegalArgumentException(json, e);
        }
    }

    private static boolean parses(String json) {
        try {
            return JSON.readTree(json) != null;
        } catch (IOException e) {
            return false;
        }
    }

    /**
     * Random JSON could, very rarely, be a valid body; the one that matters is a configuration document with both
     * maps, which an empty pair already is. Such a document is left out rather than special-cased in the property.
     */
    private static boolean cannotBeValid(JsonNode json) {
        return !(json.path("upstreams").isObject() && json.path("routes").isObject());
    }

    /** {@code root} with the value at a path such as {@code upstreams.app.targets[0].weight} replaced. */
    private static JsonNode with(JsonNode root, String path, JsonNode value) {
        String[] steps = path.replace("[", ".[").split("\\.");
        JsonNode parent = root;
        for (int i = 0; i < steps.length - 1; i++) {
            parent = step(parent, steps[i]);
        }
        String last = steps[steps.length - 1];
        if (last.startsWith("[")) {
            ((ArrayNode) parent).set(Integer.parseInt(last.substring(1, last.length() - 1)), value);
        } else {
            ((ObjectNode) parent).set(last, value);
        }
        return root;
    }

    private static JsonNode step(JsonNode node, String step) {
        return step.startsWith("[") ? node.get(Integer.parseInt(step.substring(1, step.length() - 1))) : node.get(step);
    }
}
