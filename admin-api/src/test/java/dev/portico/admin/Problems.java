package dev.portico.admin;

import com.fasterxml.jackson.databind.JsonNode;

import java.util.ArrayList;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/** Assertions on problem+json answers shared by the tests. */
final class Problems {

    private Problems() {
    }

    /** Checks the RFC 9457 shape and the status, and answers the body for further checks. */
    static JsonNode assertProblem(AdminServer.Reply reply, int status) {
        assertThat(reply.status()).as("status of %s", reply).isEqualTo(status);
        assertThat(reply.contentType()).as("content type of %s", reply).isEqualTo("application/problem+json");
        JsonNode body = reply.json();
        assertThat(body.path("type").asText()).isEqualTo("about:blank");
        assertThat(body.path("status").asInt()).isEqualTo(status);
        assertThat(body.path("title").asText()).isNotBlank();
        assertThat(body.path("detail").asText()).isNotBlank();
        // Nothing of the implementation: no stack trace, no class names, no quoting of Jackson's configuration.
        assertThat(reply.body()).doesNotContain("Exception", "\tat ", "java.", "com.fasterxml", "`", "Source:");
        return body;
    }

    /** The {@code field} of each entry of {@code errors}, in order. */
    static List<String> fields(AdminServer.Reply reply) {
        List<String> fields = new ArrayList<>();
        reply.json().path("errors").forEach(e -> fields.add(e.path("field").asText()));
        return fields;
    }

    /** The message given for {@code field}; fails when the field is not named. */
    static String message(AdminServer.Reply reply, String field) {
        for (JsonNode error : reply.json().path("errors")) {
            if (error.path("field").asText().equals(field)) {
                return error.path("message").asText();
            }
        }
        throw new AssertionError("no error for field '" + field + "' in " + reply);
    }
}
