package dev.portico.admin;

import dev.portico.domain.model.AdminToken;
import dev.portico.domain.model.TokenScope;
import dev.portico.domain.port.AuthenticateAdmin;
import io.helidon.http.HeaderNames;
import io.helidon.http.Method;
import io.helidon.webserver.http.Filter;
import io.helidon.webserver.http.FilterChain;
import io.helidon.webserver.http.RoutingRequest;
import io.helidon.webserver.http.RoutingResponse;

import java.util.List;
import java.util.Optional;

/**
 * Lets a request through only with a valid admin token ({@code Authorization: Bearer <token>}). It runs before
 * routing, so an unknown path answers 401 rather than 404 and the API's shape stays hidden from strangers. A token of
 * scope READ may only read. The presented secret is never logged nor echoed.
 */
final class BearerTokenFilter implements Filter {
    private static final String SCHEME = "bearer";

    private final AuthenticateAdmin authenticate;
    private final Replies replies;

    BearerTokenFilter(AuthenticateAdmin authenticate, Replies replies) {
        this.authenticate = authenticate;
        this.replies = replies;
    }

    @Override
    public void filter(FilterChain chain, RoutingRequest req, RoutingResponse res) {
        List<String> authorization = req.headers().all(HeaderNames.AUTHORIZATION, List::of);
        if (authorization.isEmpty()) {
            replies.problem(res, Problem.missingCredentials());
            return;
        }
        // Two Authorization headers are ambiguous; refuse rather than pick one.
        Optional<AdminToken> token = authorization.size() == 1
                ? bearerSecret(authorization.getFirst()).flatMap(authenticate::authenticate)
                : Optional.empty();
        if (token.isEmpty()) {
            replies.problem(res, Problem.invalidCredentials());
            return;
        }
        if (!isRead(req.prologue().method()) && !token.get().scope().allows(TokenScope.WRITE)) {
            replies.problem(res, Problem.insufficientScope(TokenScope.WRITE.name()));
            return;
        }
        chain.proceed();
    }

    /** The credentials of {@code Bearer <token>}; the scheme is case-insensitive (RFC 9110). */
    private static Optional<String> bearerSecret(String header) {
        String value = header.strip();
        int space = value.indexOf(' ');
        if (space < 0 || !value.substring(0, space).equalsIgnoreCase(SCHEME)) {
            return Optional.empty();
        }
        String secret = value.substring(space + 1).strip();
        return secret.isEmpty() ? Optional.empty() : Optional.of(secret);
    }

    private static boolean isRead(Method method) {
        return method.equals(Method.GET) || method.equals(Method.HEAD);
    }
}
