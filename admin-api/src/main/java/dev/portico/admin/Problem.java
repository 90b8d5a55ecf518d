package dev.portico.admin;

import dev.portico.domain.model.TokenScope;
import dev.portico.domain.port.Precondition;
import dev.portico.domain.validation.FieldError;
import io.helidon.http.Header;
import io.helidon.http.HeaderNames;
import io.helidon.http.HeaderValues;
import io.helidon.http.Method;
import io.helidon.http.Status;

import java.time.Duration;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.stream.Collectors;

/**
 * Why a request was refused: the status, a sentence for the operator, the fields at fault, and the headers the
 * status calls for (Allow, WWW-Authenticate, ...). Sent as {@code application/problem+json}.
 */
record Problem(Status status, String detail, List<FieldError> errors, List<String> routes, List<Header> headers,
               Optional<String> code) {
    /** The body as a whole, when a fault has no field of its own (malformed JSON, a missing body). */
    static final String BODY = "body";
    /** The request's media type, when it is not JSON. */
    static final String CONTENT_TYPE = "Content-Type";
    private static final String REALM = "Bearer realm=\"portico\"";

    Problem {
        Objects.requireNonNull(status, "status");
        Objects.requireNonNull(detail, "detail");
        errors = List.copyOf(errors);
        routes = List.copyOf(routes);
        headers = List.copyOf(headers);
        Objects.requireNonNull(code, "code");
    }

    Problem(Status status, String detail, List<FieldError> errors, List<String> routes, List<Header> headers) {
        this(status, detail, errors, routes, headers, Optional.empty());
    }

    /** A certificate that failed to load: 422 with the loader's sentence and its stable code. */
    static Problem certificateRefused(String name, String code, String message) {
        return new Problem(Status.create(422, "Unprocessable Content"), "Certificate '" + name + "' was refused: "
                + message + ".", List.of(), List.of(), List.of(), Optional.of(code));
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

    static Problem insufficientScope(TokenScope has, Operation operation) {
        return new Problem(Status.FORBIDDEN_403,
                "This token has scope " + has.label() + "; " + operation.name() + " needs a token with scope "
                        + operation.scope().label() + (operation.scope() == TokenScope.WRITE
                        ? " (read tokens may only read)." : " (only admin tokens manage tokens)."),
                List.of(), List.of(), List.of(HeaderValues.create(HeaderNames.WWW_AUTHENTICATE,
                        REALM + ", error=\"insufficient_scope\", scope=\"" + operation.scope().label() + "\"")));
    }

    /** Too many invalid tokens from one address: refused unchecked until {@code wait} has passed. */
    static Problem tooManyFailures(Duration wait) {
        long seconds = Math.max(1, (wait.toMillis() + 999) / 1000);
        return new Problem(Status.TOO_MANY_REQUESTS_429,
                "Too many requests with an invalid admin token came from this address; try again in " + seconds
                        + " seconds.",
                List.of(), List.of(), List.of(HeaderValues.create(HeaderNames.RETRY_AFTER, Long.toString(seconds))));
    }

    /**
     * A write refused by its If-Match or If-None-Match; the answer carries the resource's current ETag, if it has
     * one, so that a script can tell what it now is.
     */
    static Problem preconditionFailed(String resource, Precondition precondition, OptionalLong current) {
        String detail;
        if (current.isEmpty()) {
            detail = resource + " does not exist, and the request required it to (If-Match); nothing was changed.";
        } else if (precondition instanceof Precondition.MustBeAbsent
                || precondition instanceof Precondition.RevisionNotIn) {
            detail = resource + " exists (ETag " + ETags.quoted(current.getAsLong()) + "), and the request required"
                    + " otherwise (If-None-Match); nothing was changed.";
        } else {
            detail = resource + " has changed: its ETag is now " + ETags.quoted(current.getAsLong()) + ", not the one"
                    + " in If-Match; nothing was changed. Read it again, then decide.";
        }
        List<Header> headers = current.isPresent() ? List.of(ETags.etag(current.getAsLong())) : List.of();
        return new Problem(Status.PRECONDITION_FAILED_412, detail, List.of(), List.of(), headers);
    }

    static Problem badParameter(String name, String message) {
        return badRequest("The query parameter " + name + " " + message + ".", List.of(new FieldError(name, message)));
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
                List.of(new FieldError(CONTENT_TYPE, "must be application/json (UTF-8), not '" + contentType + "'")),
                List.of(), List.of(HeaderValues.create(HeaderNames.ACCEPT, AdminJson.JSON)));
    }

    /** A body sent without a Content-Type: it is not taken as JSON on trust. */
    static Problem missingMediaType() {
        return new Problem(Status.UNSUPPORTED_MEDIA_TYPE_415,
                "The body must be sent as JSON, with the header 'Content-Type: application/json'; this request has no"
                        + " Content-Type.",
                List.of(new FieldError(CONTENT_TYPE, "is required with a body: application/json")),
                List.of(), List.of(HeaderValues.create(HeaderNames.ACCEPT, AdminJson.JSON)));
    }

    static Problem tooLarge(int maxBytes) {
        return new Problem(Status.REQUEST_ENTITY_TOO_LARGE_413,
                "The request body is larger than " + maxBytes + " bytes.",
                List.of(new FieldError(BODY, "is larger than " + maxBytes + " bytes")), List.of(), List.of());
    }

    static Problem duplicateToken(String name) {
        return new Problem(Status.CONFLICT_409,
                "A token named '" + name + "' exists already; revoke it first or choose another name.",
                List.of(new FieldError("name", "is taken by another token")), List.of(), List.of());
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
                errors.stream().map(FieldErrorJson::of).toList(), routes,
                code.orElse(null));
    }
}
