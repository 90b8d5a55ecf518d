package dev.portico.admin;

import dev.portico.domain.model.Route;
import dev.portico.domain.port.Deletion;
import dev.portico.domain.port.ManageRoutes;
import io.helidon.http.Method;
import io.helidon.http.Status;
import io.helidon.webserver.http.HttpRules;
import io.helidon.webserver.http.HttpService;
import io.helidon.webserver.http.ServerRequest;
import io.helidon.webserver.http.ServerResponse;

import java.util.Comparator;

/** {@code /v1/routes}: list, read, create or replace, and delete routes by name. */
final class RoutesEndpoint implements HttpService {
    static final String PATH = "/v1/routes";

    private final ManageRoutes routes;
    private final Replies replies;

    RoutesEndpoint(ManageRoutes routes, Replies replies) {
        this.routes = routes;
        this.replies = replies;
    }

    @Override
    public void routing(HttpRules rules) {
        rules.get("/", this::list)
                .any("/", replies.methodNotAllowed(Method.GET))
                .get("/{name}", this::get)
                .put("/{name}", this::put)
                .delete("/{name}", this::delete)
                .any("/{name}", replies.methodNotAllowed(Method.GET, Method.PUT, Method.DELETE));
    }

    private void list(ServerRequest req, ServerResponse res) {
        replies.json(res, Status.OK_200, routes.routes().stream()
                .sorted(Comparator.comparing(Route::name))
                .map(RouteJson::of)
                .toList());
    }

    private void get(ServerRequest req, ServerResponse res) {
        String name = name(req);
        routes.route(name).ifPresentOrElse(
                route -> replies.json(res, Status.OK_200, RouteJson.of(route)),
                () -> replies.problem(res, notFound(name)));
    }

    private void put(ServerRequest req, ServerResponse res) {
        String name = name(req);
        switch (replies.body(req, RouteRequest.class, name)) {
            case Decoded.Refused<RouteRequest> refused -> replies.problem(res, refused.problem());
            case Decoded.Ok<RouteRequest> body -> replies.put(res, PATH + "/" + name,
                    routes.putRoute(name, body.value().spec()), RouteJson::of);
        }
    }

    private void delete(ServerRequest req, ServerResponse res) {
        String name = name(req);
        switch (routes.deleteRoute(name)) {
            case Deletion.Deleted deleted -> res.status(Status.NO_CONTENT_204).send();
            case Deletion.NotFound notFound -> replies.problem(res, notFound(name));
            // Nothing refers to a route today; should that change, the store refuses and so does the API.
            case Deletion.InUse inUse -> replies.problem(res, Problem.of(Status.CONFLICT_409,
                    "Route '" + name + "' is still in use and was not deleted."));
        }
    }

    private static String name(ServerRequest req) {
        return req.path().pathParameters().get("name");
    }

    private static Problem notFound(String name) {
        return Problem.of(Status.NOT_FOUND_404, "There is no route named '" + name + "'.");
    }
}
