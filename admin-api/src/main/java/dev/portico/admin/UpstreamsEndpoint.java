package dev.portico.admin;

import dev.portico.domain.model.TokenScope;
import dev.portico.domain.model.Upstream;
import dev.portico.domain.port.Deletion;
import dev.portico.domain.port.ManageUpstreams;
import dev.portico.domain.port.Precondition;
import dev.portico.domain.port.ReadUpstreamHealth;
import io.helidon.http.Method;
import io.helidon.http.Status;
import io.helidon.webserver.http.ServerRequest;
import io.helidon.webserver.http.ServerResponse;

import java.util.Comparator;
import java.util.List;

/** {@code /v1/upstreams}: list, read, create or replace, and delete upstreams by name; writes may be conditional. */
final class UpstreamsEndpoint implements Endpoint {
    static final String PATH = "/v1/upstreams";

    private final ManageUpstreams upstreams;
    private final ReadUpstreamHealth health;
    private final Replies replies;

    UpstreamsEndpoint(ManageUpstreams upstreams, ReadUpstreamHealth health, Replies replies) {
        this.upstreams = upstreams;
        this.health = health;
        this.replies = replies;
    }

    @Override
    public List<Operation> operations() {
        return List.of(
                new Operation(Method.GET, PATH, TokenScope.READ, this::list),
                new Operation(Method.GET, PATH + "/{name}", TokenScope.READ, this::get),
                new Operation(Method.PUT, PATH + "/{name}", TokenScope.WRITE, this::put),
                new Operation(Method.DELETE, PATH + "/{name}", TokenScope.WRITE, this::delete),
                new Operation(Method.GET, PATH + "/{name}/health", TokenScope.READ, this::health));
    }

    private void health(ServerRequest req, ServerResponse res) {
        String name = name(req);
        health.upstreamHealth(name).ifPresentOrElse(
                targets -> replies.json(res, Status.OK_200, UpstreamHealthJson.of(name, targets)),
                () -> replies.problem(res, notFound(name)));
    }

    private void list(ServerRequest req, ServerResponse res) {
        replies.json(res, Status.OK_200, upstreams.upstreams().stream()
                .sorted(Comparator.comparing(Upstream::name))
                .map(UpstreamJson::of)
                .toList());
    }

    private void get(ServerRequest req, ServerResponse res) {
        String name = name(req);
        upstreams.storedUpstream(name).ifPresentOrElse(
                stored -> {
                    res.header(ETags.etag(stored.revision()));
                    replies.json(res, Status.OK_200, UpstreamJson.of(stored.value()));
                },
                () -> replies.problem(res, notFound(name)));
    }

    private void put(ServerRequest req, ServerResponse res) {
        String name = name(req);
        Precondition precondition = ETags.precondition(req);
        UpstreamRequest body = replies.body(req, UpstreamRequest.class, name);
        replies.put(res, described(name), PATH + "/" + name, precondition,
                upstreams.putUpstream(name, body.spec(), precondition, Caller.change(req)), UpstreamJson::of);
    }

    private void delete(ServerRequest req, ServerResponse res) {
        String name = name(req);
        Precondition precondition = ETags.precondition(req);
        switch (upstreams.deleteUpstream(name, precondition, Caller.change(req))) {
            case Deletion.Deleted deleted -> replies.deleted(res, deleted);
            case Deletion.NotFound notFound -> replies.problem(res, notFound(name));
            case Deletion.InUse inUse -> replies.problem(res, Problem.upstreamInUse(name, inUse.routes()));
            case Deletion.PreconditionFailed failed -> replies.problem(res,
                    Problem.preconditionFailed(described(name), precondition, failed.current()));
        }
    }

    private static String name(ServerRequest req) {
        return req.path().pathParameters().get("name");
    }

    private static String described(String name) {
        return "Upstream '" + name + "'";
    }

    private static Problem notFound(String name) {
        return Problem.of(Status.NOT_FOUND_404, "There is no upstream named '" + name + "'.");
    }
}
