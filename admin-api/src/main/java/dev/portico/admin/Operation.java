package dev.portico.admin;

import dev.portico.domain.model.TokenScope;
import io.helidon.http.Method;
import io.helidon.webserver.http.Handler;

import java.util.Objects;

/**
 * One endpoint of the API: method, path template (as both Helidon and OpenAPI write it, {@code /v1/routes/{name}}),
 * the scope a token needs for it, and its handler. The API registers exactly its operations, so the list of them is
 * also what the OpenAPI document must describe.
 */
record Operation(Method method, String path, TokenScope scope, Handler handler) {
    Operation {
        Objects.requireNonNull(method, "method");
        Objects.requireNonNull(path, "path");
        Objects.requireNonNull(scope, "scope");
        Objects.requireNonNull(handler, "handler");
    }

    /** {@code PUT /v1/routes/{name}}, as a log or a test names it. */
    String name() {
        return method.text() + " " + path;
    }
}
