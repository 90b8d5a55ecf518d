package dev.portico.admin;

import dev.portico.domain.model.Upstream;
import dev.portico.domain.port.Deletion;
import dev.portico.domain.port.ManageUpstreams;
import io.helidon.http.Method;
import io.helidon.http.Status;
import io.helidon.webserver.http.HttpRules;
import io.helidon.webserver.http.HttpService;
import io.helidon.webserver.http.ServerRequest;
import io.helidon.webserver.http.ServerResponse;

import java.util.Comparator;

/** {@code /v1/upstreams}: list, read, create or replace, and delete upstreams by name. */
final class UpstreamsEndpoint implements HttpService {
    static final String PATH = "/v1/upstreams";

    private final ManageUpstreams upstreams;
    private final Replies replies;

    UpstreamsEndpoint(ManageUpstreams upstreams, Replies replies) {
        this.upstreams = upstreams;
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
        replies.json(res, Status.OK_200, upstreams.upstreams().stream()
                .sorted(Comparator.comparing(Upstream::name))
                .map(UpstreamJson::of)
                .toList());
    }

    private void get(ServerRequest req, ServerResponse res) {
        String name = name(req);
        upstreams.upstream(name).ifPresentOrElse(
                upstream -> replies.json(res, Status.OK_200, UpstreamJson.of(upstream)),
                () -> replies.problem(res, notFound(name)));
    }

    private void put(ServerRequest req, ServerResponse res) {
        String name = name(req);
        switch (replies.body(req, UpstreamRequest.class, name)) {
            case Decoded.Refused<UpstreamRequest> refused -> replies.problem(res, refused.problem());
            case Decoded.Ok<UpstreamRequest> body -> replies.put(res, PATH + "/" + name,
                    upstreams.putUpstream(name, body.value().targetSpecs()), UpstreamJson::of);
        }
    }

    private void delete(ServerRequest req, ServerResponse res) {
        String name = name(req);
        switch (upstreams.deleteUpstream(name)) {
            case Deletion.Deleted deleted -> res.status(Status.NO_CONTENT_204).send();
            case Deletion.NotFound notFound -> replies.problem(res, notFound(name));
            case Deletion.InUse inUse -> replies.problem(res, Problem.upstreamInUse(name, inUse.routes()));
        }
    }

    private static String name(ServerRequest req) {
        return req.path().pathParameters().get("name");
    }

    private static Problem notFound(String name) {
        return Problem.of(Status.NOT_FOUND_404, "There is no upstream named '" + name + "'.");
    }
}
