package dev.portico.admin;

import dev.portico.domain.model.AdminToken;
import dev.portico.domain.model.TokenScope;
import dev.portico.domain.port.ManageTokens;
import dev.portico.domain.port.TokenCreation;
import io.helidon.http.HeaderNames;
import io.helidon.http.Method;
import io.helidon.http.Status;
import io.helidon.webserver.http.ServerRequest;
import io.helidon.webserver.http.ServerResponse;

import java.util.Comparator;
import java.util.List;

/**
 * {@code /v1/tokens}: create (the secret is answered this once), list and revoke admin tokens. Admin scope only.
 * A revoked token fails on this node's very next request.
 */
final class TokensEndpoint implements Endpoint {
    static final String PATH = "/v1/tokens";

    private final ManageTokens tokens;
    private final Replies replies;

    TokensEndpoint(ManageTokens tokens, Replies replies) {
        this.tokens = tokens;
        this.replies = replies;
    }

    @Override
    public List<Operation> operations() {
        return List.of(
                new Operation(Method.GET, PATH, TokenScope.ADMIN, this::list),
                new Operation(Method.POST, PATH, TokenScope.ADMIN, this::create),
                new Operation(Method.DELETE, PATH + "/{name}", TokenScope.ADMIN, this::revoke));
    }

    private void list(ServerRequest req, ServerResponse res) {
        replies.json(res, Status.OK_200, tokens.tokens().stream()
                .sorted(Comparator.comparing(AdminToken::name))
                .map(TokenJson::of)
                .toList());
    }

    private void create(ServerRequest req, ServerResponse res) {
        TokenRequest request = replies.body(req, TokenRequest.class);
        switch (tokens.createToken(request.name(), request.scope(), Caller.change(req))) {
            case TokenCreation.Created created -> {
                // The secret must not linger in a cache on the way.
                res.header(HeaderNames.CACHE_CONTROL, "no-store");
                replies.json(res, Status.CREATED_201, NewTokenJson.of(created.token(), created.secret()));
            }
            case TokenCreation.Duplicate duplicate -> replies.problem(res, Problem.duplicateToken(request.name()));
            case TokenCreation.Rejected rejected -> replies.problem(res, AdminJson.invalid(rejected.errors()));
        }
    }

    private void revoke(ServerRequest req, ServerResponse res) {
        String name = req.path().pathParameters().get("name");
        switch (tokens.revokeToken(name, Caller.change(req))) {
            case REVOKED -> res.status(Status.NO_CONTENT_204).send();
            case NOT_FOUND -> replies.problem(res, Problem.of(Status.NOT_FOUND_404,
                    "There is no token named '" + name + "'."));
            case LAST_ADMIN -> replies.problem(res, Problem.of(Status.CONFLICT_409,
                    "Token '" + name + "' is the last token with scope admin and was not revoked: without it nobody"
                            + " could create or revoke tokens. Create another admin token first."));
        }
    }
}
