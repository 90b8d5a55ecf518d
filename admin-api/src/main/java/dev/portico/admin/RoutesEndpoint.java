package dev.portico.admin;

import dev.portico.domain.model.Route;
import dev.portico.domain.model.TokenScope;
import dev.portico.domain.port.Deletion;
import dev.portico.domain.port.ManageRoutes;
import dev.portico.domain.port.Precondition;
import io.helidon.http.Method;
import io.helidon.http.Status;
import io.helidon.webserver.http.ServerRequest;
import io.helidon.webserver.http.ServerResponse;

import java.util.Comparator;
import java.util.List;

/** {@code /v1/routes}: list, read, create or replace, and delete routes by name; writes may be conditional. */
final class RoutesEndpoint implements Endpoint {
    static final String PATH = "/v1/routes";

    private final ManageRoutes routes;
    private final Replies replies;

    RoutesEndpoint(ManageRoutes routes, Replies replies) {
        this.routes = routes;
        this.replies = replies;
    }

    @Override
    public List<Operation> operations() {
        return List.of(
                new Operation(Method.GET, PATH, TokenScope.READ, this::list),
                new Operation(Method.GET, PATH + "/{name}", TokenScope.READ, this::get),
                new Operation(Method.PUT, PATH + "/{name}", TokenScope.WRITE, this::put),
                new Operation(Method.DELETE, PATH + "/{name}", TokenScope.WRITE, this::delete));
    }

    private void list(ServerRequest req, ServerResponse res) {
        replies.json(res, Status.OK_200, routes.routes().stream()
                .sorted(Comparator.comparing(Route::name))
                .map(RouteJson::of)
                .toList());
    }

    private void get(ServerRequest req, ServerResponse res) {
        String name = name(req);
        routes.storedRoute(name).ifPresentOrElse(
                stored -> {
                    res.header(ETags.etag(stored.revision()));
                    replies.json(res, Status.OK_200, RouteJson.of(stored.value()));
                },
                () -> replies.problem(res, notFound(name)));
    }

    private void put(ServerRequest req, ServerResponse res) {
        String name = name(req);
        Precondition precondition = ETags.precondition(req);
        RouteRequest body = replies.body(req, RouteRequest.class, name);
        replies.put(res, described(name), PATH + "/" + name, precondition,
                routes.putRoute(name, body.spec(), precondition, Caller.change(req)), RouteJson::of);
    }

    private void delete(ServerRequest req, ServerResponse res) {
        String name = name(req);
        Precondition precondition = ETags.precondition(req);
        switch (routes.deleteRoute(name, precondition, Caller.change(req))) {
            case Deletion.Deleted deleted -> replies.deleted(res, deleted);
            case Deletion.NotFound notFound -> replies.problem(res, notFound(name));
            // Nothing refers to a route today; should that change, the store refuses and so does the API.
            case Deletion.InUse inUse -> replies.problem(res, Problem.of(Status.CONFLICT_409,
                    "Route '" + name + "' is still in use and was not deleted."));
            case Deletion.PreconditionFailed failed -> replies.problem(res,
                    Problem.preconditionFailed(described(name), precondition, failed.current()));
        }
    }

    private static String name(ServerRequest req) {
        return req.path().pathParameters().get("name");
    }

    private static String described(String name) {
        return "Route '" + name + "'";
    }

    private static Problem notFound(String name) {
        return Problem.of(Status.NOT_FOUND_404, "There is no route named '" + name + "'.");
    }
}
