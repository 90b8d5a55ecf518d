package dev.portico.admin;

import dev.portico.domain.port.AuthenticateAdmin;
import dev.portico.domain.port.ManageRoutes;
import dev.portico.domain.port.ManageUpstreams;
import io.helidon.http.HttpException;
import io.helidon.http.Status;
import io.helidon.webserver.http.HttpRouting;
import io.helidon.webserver.http.ServerRequest;
import io.helidon.webserver.http.ServerResponse;

import java.util.Objects;

/**
 * The admin REST API: routes and upstreams as JSON under {@code /v1}, every request authenticated with an admin
 * bearer token. The composition root creates it from the domain's inbound ports and registers it on the routing of
 * the admin listener.
 */
public final class AdminApi {
    private static final System.Logger LOGGER = System.getLogger(AdminApi.class.getName());

    private final ManageUpstreams upstreams;
    private final ManageRoutes routes;
    private final AuthenticateAdmin authenticate;
    private final Replies replies = new Replies(new AdminJson());

    private AdminApi(ManageUpstreams upstreams, ManageRoutes routes, AuthenticateAdmin authenticate) {
        this.upstreams = Objects.requireNonNull(upstreams, "upstreams");
        this.routes = Objects.requireNonNull(routes, "routes");
        this.authenticate = Objects.requireNonNull(authenticate, "authenticate");
    }

    public static AdminApi create(ManageUpstreams upstreams, ManageRoutes routes, AuthenticateAdmin authenticate) {
        return new AdminApi(upstreams, routes, authenticate);
    }

    /**
     * Installs the authentication filter, the endpoints and the error mapping. Meant for a routing of its own (the
     * admin listener's): the filter guards every path of that routing, and unknown paths answer problem+json.
     */
    public void register(HttpRouting.Builder routing) {
        routing.addFilter(new HeldBackBodyFilter())
                .addFilter(new BearerTokenFilter(authenticate, replies))
                .register(UpstreamsEndpoint.PATH, new UpstreamsEndpoint(upstreams, replies))
                .register(RoutesEndpoint.PATH, new RoutesEndpoint(routes, replies))
                .error(HttpException.class, this::httpError)
                .error(Exception.class, this::unexpected);
    }

    /** Helidon's own refusals (no route for the path, a malformed request) in the API's format. */
    private void httpError(ServerRequest req, ServerResponse res, HttpException e) {
        Status status = e.status();
        if (status.code() >= 500) {
            unexpected(req, res, e);
        } else if (status.code() == Status.NOT_FOUND_404_CODE) {
            replies.problem(res, Problem.of(status, "There is nothing at " + req.prologue().uriPath().rawPath() + "."));
        } else {
            replies.problem(res, Problem.of(status, "The request was refused: " + status.reasonPhrase() + "."));
        }
    }

    /** The one place a failure becomes a 500: logged in full here, told to the client without internals. */
    private void unexpected(ServerRequest req, ServerResponse res, Exception e) {
        LOGGER.log(System.Logger.Level.ERROR, "Admin API request " + req.prologue().method().text() + " "
                + req.prologue().uriPath().rawPath() + " failed", e);
        replies.problem(res, Problem.internalError());
    }
}
