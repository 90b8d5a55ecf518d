package dev.portico.admin;

import dev.portico.domain.model.AdminToken;
import dev.portico.domain.port.AuthenticateAdmin;
import io.helidon.http.HeaderNames;
import io.helidon.webserver.http.Filter;
import io.helidon.webserver.http.FilterChain;
import io.helidon.webserver.http.RoutingRequest;
import io.helidon.webserver.http.RoutingResponse;

import java.time.Duration;
import java.util.List;
import java.util.Optional;

/**
 * Lets a request through only with a valid admin token ({@code Authorization: Bearer <token>}), which it leaves in
 * the request's context for the operation to check the scope and to name the actor. It runs before routing, so an
 * unknown path answers 401 rather than 404 and the API's shape stays hidden from strangers. An address that keeps
 * presenting invalid tokens is refused with 429 before its token is even looked at. The presented secret is never
 * logged nor echoed.
 */
final class BearerTokenFilter implements Filter {
    private static final String SCHEME = "bearer";

    private final AuthenticateAdmin authenticate;
    private final FailedAuthentications failures;
    private final Replies replies;

    BearerTokenFilter(AuthenticateAdmin authenticate, FailedAuthentications failures, Replies replies) {
        this.authenticate = authenticate;
        this.failures = failures;
        this.replies = replies;
    }

    @Override
    public void filter(FilterChain chain, RoutingRequest req, RoutingResponse res) {
        if (HealthProbes.PATHS.contains(req.path().path())) {
            // probes answer anyone: they say only whether this node serves
            chain.proceed();
            return;
        }
        String address = req.remotePeer().host();
        Optional<Duration> blocked = failures.blocked(address);
        if (blocked.isPresent()) {
            replies.problem(res, Problem.tooManyFailures(blocked.get()));
            return;
        }
        List<String> authorization = req.headers().all(HeaderNames.AUTHORIZATION, List::of);
        if (authorization.isEmpty()) {
            // Not a guess: clients without credentials are told how to authenticate, and not counted.
            replies.problem(res, Problem.missingCredentials());
            return;
        }
        // Two Authorization headers are ambiguous; refuse rather than pick one.
        Optional<AdminToken> token = authorization.size() == 1
                ? bearerSecret(authorization.getFirst()).flatMap(authenticate::authenticate)
                : Optional.empty();
        if (token.isEmpty()) {
            failures.failed(address);
            replies.problem(res, Problem.invalidCredentials());
            return;
        }
        Caller.authenticated(req, token.get());
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
}
