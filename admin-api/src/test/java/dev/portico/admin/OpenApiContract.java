package dev.portico.admin;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.networknt.schema.JsonSchema;
import com.networknt.schema.JsonSchemaFactory;
import com.networknt.schema.SchemaLocation;
import com.networknt.schema.SpecVersion;
import com.networknt.schema.ValidationMessage;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The OpenAPI document as a contract a test holds answers to: each answer's status must be documented for its
 * operation, its body must validate against the documented schema for its content type, and its documented headers
 * must match their schemas. Schemas are validated as JSON Schema 2020-12 (OpenAPI 3.1's dialect), straight from the
 * document, so that {@code $ref}s resolve the way a client's tooling would resolve them.
 */
final class OpenApiContract {
    private static final String LOCATION = "classpath:dev/portico/admin/" + OpenApiEndpoint.RESOURCE;

    private final JsonNode document;
    private final JsonSchemaFactory factory = JsonSchemaFactory.getInstance(SpecVersion.VersionFlag.V202012);
    private final Map<String, JsonSchema> schemas = new ConcurrentHashMap<>();

    OpenApiContract() {
        try {
            document = new ObjectMapper().readTree(OpenApiEndpoint.load());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    JsonNode document() {
        return document;
    }

    /** The operation object of {@code method} on the path template; fails when the document has none. */
    JsonNode operation(String method, String template) {
        JsonNode operation = document.path("paths").path(template).path(method.toLowerCase(Locale.ROOT));
        assertThat(operation.isObject()).as("%s %s is in the document", method, template).isTrue();
        return operation;
    }

    /** Checks an answer against what the document says {@code method template} answers. */
    void assertAnswers(String method, String template, AdminServer.Reply reply) {
        String where = method + " " + template + " -> " + reply.status();
        String pointer = pointer("paths", template, method.toLowerCase(Locale.ROOT), "responses",
                Integer.toString(reply.status()));
        JsonNode response = resolve(pointer);
        assertThat(response.isMissingNode()).as("status of %s is documented (%s)", where, reply).isFalse();
        if (response.has("$ref")) {
            pointer = response.path("$ref").asText().substring(1);
            response = resolve(pointer);
        }
        if (reply.bytes().length == 0) {
            assertThat(response.has("content")).as("%s documents no body", where).isFalse();
        } else {
            String contentType = reply.contentType().split(";")[0].strip();
            assertThat(response.path("content").has(contentType))
                    .as("%s documents content type %s", where, contentType).isTrue();
            assertValid(pointer + "/content/" + escape(contentType) + "/schema", reply.json(), where);
        }
        response.path("headers").properties().forEach(header -> {
            JsonNode declared = header.getValue().has("$ref")
                    ? resolve(header.getValue().path("$ref").asText().substring(1)) : header.getValue();
            String value = reply.header(header.getKey());
            if (value != null && declared.has("schema")) {
                assertThat(value).as("header %s of %s", header.getKey(), where)
                        .matches(declared.path("schema").path("pattern").asText(".*"));
            }
        });
    }

    /** Checks a request body against the documented one of {@code method template}. */
    void assertRequestValid(String method, String template, String body) {
        String where = "request of " + method + " " + template;
        try {
            assertValid(pointer("paths", template, method.toLowerCase(Locale.ROOT), "requestBody", "content",
                    "application/json", "schema"), new ObjectMapper().readTree(body), where);
        } catch (IOException e) {
            throw new UncheckedIOException(where + " is not JSON", e);
        }
    }

    /** Every {@code $ref} of the document, wherever it is. */
    List<String> references() {
        return document.findValuesAsText("$ref");
    }

    JsonNode resolve(String pointer) {
        return document.at(pointer);
    }

    private void assertValid(String pointer, JsonNode value, String where) {
        assertThat(resolve(pointer).isMissingNode()).as("%s has a schema at %s", where, pointer).isFalse();
        JsonSchema schema = schemas.computeIfAbsent(pointer,
                p -> factory.getSchema(SchemaLocation.of(LOCATION + "#" + p)));
        Set<ValidationMessage> errors = schema.validate(value);
        assertThat(errors).as("%s validates against %s: %s", where, pointer, value).isEmpty();
    }

    /** A JSON pointer from its tokens, escaped (RFC 6901). */
    static String pointer(String... tokens) {
        StringBuilder pointer = new StringBuilder();
        for (String token : tokens) {
            pointer.append('/').append(escape(token));
        }
        return pointer.toString();
    }

    private static String escape(String token) {
        return token.replace("~", "~0").replace("/", "~1");
    }
}
