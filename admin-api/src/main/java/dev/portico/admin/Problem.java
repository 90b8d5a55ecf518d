package dev.portico.admin;

import dev.portico.domain.validation.FieldError;
import io.helidon.http.Header;
import io.helidon.http.HeaderNames;
import io.helidon.http.HeaderValues;
import io.helidon.http.Method;
import io.helidon.http.Status;

import java.util.List;
import java.util.Objects;
import java.util.stream.Collectors;

/**
 * Why a request was refused: the status, a sentence for the operator, the fields at fault, and the headers the
 * status calls for (Allow, WWW-Authenticate, ...). Sent as {@code application/problem+json}.
 */
record Problem(Status status, String detail, List<FieldError> errors, List<String> routes, List<Header> headers) {
    /** The body as a whole, when a fault has no field of its own (malformed JSON, a missing body). */
    static final String BODY = "body";
    private static final String REALM = "Bearer realm=\"portico\"";

    Problem {
        Objects.requireNonNull(status, "status");
        Objects.requireNonNull(detail, "detail");
        errors = List.copyOf(errors);
        routes = List.copyOf(routes);
        headers = List.copyOf(headers);
    }

    static Problem of(Status status, String detail) {
        return new Problem(status, detail, List.of(), List.of(), List.of());
    }

    static Problem badRequest(String detail, List<FieldError> errors) {
        return new Problem(Status.BAD_REQUEST_400, detail, errors, List.of(), List.of());
    }

    static Problem badBody(String message) {
        return badRequest("The request body " + message + ".", List.of(new FieldError(BODY, message)));
    }

    /** No credentials at all: RFC 6750 says to name the scheme and realm, and no error code. */
    static Problem missingCredentials() {
        return new Problem(Status.UNAUTHORIZED_401,
                "This API needs an admin token, sent as 'Authorization: Bearer <token>'.",
                List.of(), List.of(), List.of(HeaderValues.create(HeaderNames.WWW_AUTHENTICATE, REALM)));
    }

    static Problem invalidCredentials() {
        return new Problem(Status.UNAUTHORIZED_401,
                "The bearer token is not a valid admin token.",
                List.of(), List.of(), List.of(HeaderValues.create(HeaderNames.WWW_AUTHENTICATE,
                        REALM + ", error=\"invalid_token\"")));
    }

    static Problem insufficientScope(String scope) {
        return new Problem(Status.FORBIDDEN_403,
                "This token may only read; changing the configuration needs a token with scope " + scope + ".",
                List.of(), List.of(), List.of(HeaderValues.create(HeaderNames.WWW_AUTHENTICATE,
                        REALM + ", error=\"insufficient_scope\"")));
    }

    static Problem methodNotAllowed(Method method, List<Method> allowed) {
        String allow = allowed.stream().map(Method::text).collect(Collectors.joining(", "));
        return new Problem(Status.METHOD_NOT_ALLOWED_405,
                method.text() + " is not allowed here; use " + allow + ".",
                List.of(), List.of(), List.of(HeaderValues.create(HeaderNames.ALLOW, allow)));
    }

    static Problem unsupportedMediaType(String contentType) {
        return new Problem(Status.UNSUPPORTED_MEDIA_TYPE_415,
                "The body must be JSON (Content-Type application/json, UTF-8), not '" + contentType + "'.",
                List.of(), List.of(), List.of(HeaderValues.create(HeaderNames.ACCEPT, AdminJson.JSON)));
    }

    static Problem tooLarge(int maxBytes) {
        return of(Status.REQUEST_ENTITY_TOO_LARGE_413,
                "The request body is larger than " + maxBytes + " bytes.");
    }

    static Problem upstreamInUse(String upstream, List<String> routes) {
        return new Problem(Status.CONFLICT_409,
                "Upstream '" + upstream + "' is still used by route" + (routes.size() == 1 ? " " : "s ")
                        + String.join(", ", routes) + "; delete those routes or point them elsewhere first.",
                List.of(), routes, List.of());
    }

    static Problem internalError() {
        return of(Status.INTERNAL_SERVER_ERROR_500,
                "The request could not be completed because of an internal error; the server log has the details.");
    }

    ProblemJson json() {
        return new ProblemJson("about:blank", status.reasonPhrase(), status.code(), detail,
                errors.stream().map(FieldErrorJson::of).toList(), routes);
    }
}
