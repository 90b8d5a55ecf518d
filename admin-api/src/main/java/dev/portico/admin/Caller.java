package dev.portico.admin;

import dev.portico.domain.model.AdminToken;
import dev.portico.domain.port.Change;
import io.helidon.webserver.http.ServerRequest;

/** The token a request was authenticated with, which {@link BearerTokenFilter} leaves in the request's context. */
final class Caller {
    private Caller() {
    }

    static void authenticated(ServerRequest req, AdminToken token) {
        req.context().register(token);
    }

    static AdminToken token(ServerRequest req) {
        // Every operation runs behind the filter; a request without a token here is a wiring mistake.
        return req.context().get(AdminToken.class)
                .orElseThrow(() -> new IllegalStateException("no authenticated token on " + req.prologue()));
    }

    /** The change this request asks for, as the audit log records it: by the token's name and the method. */
    static Change change(ServerRequest req) {
        return new Change(token(req).name(), req.prologue().method().text());
    }
}
