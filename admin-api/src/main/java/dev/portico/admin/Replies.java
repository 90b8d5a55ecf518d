package dev.portico.admin;

import dev.portico.domain.port.Deletion;
import dev.portico.domain.port.Precondition;
import dev.portico.domain.port.PutOutcome;
import dev.portico.domain.validation.FieldError;
import io.helidon.http.Header;
import io.helidon.http.HeaderNames;
import io.helidon.http.Method;
import io.helidon.http.Status;
import io.helidon.webserver.http.Handler;
import io.helidon.webserver.http.ServerRequest;
import io.helidon.webserver.http.ServerResponse;

import java.util.List;
import java.util.function.Function;

/** Writes the admin API's answers: JSON for resources, problem+json for everything refused. */
final class Replies {
    private final AdminJson json;

    Replies(AdminJson json) {
        this.json = json;
    }

    void json(ServerResponse res, Status status, Object body) {
        res.status(status);
        res.header(HeaderNames.CONTENT_TYPE, AdminJson.JSON);
        res.send(json.encode(body));
    }

    void problem(ServerResponse res, Problem problem) {
        res.status(problem.status());
        for (Header header : problem.headers()) {
            res.header(header);
        }
        res.header(HeaderNames.CONTENT_TYPE, AdminJson.PROBLEM_JSON);
        res.send(json.encode(problem.json()));
    }

    /**
     * 201 with a Location for a new resource, 200 for a replaced one, both with the new ETag and the revision at which
     * the change is live; 400 naming the fields the domain refused; 412 when the precondition no longer held.
     */
    <T> void put(ServerResponse res, String resource, String location, Precondition precondition, PutOutcome<T> outcome,
                 Function<T, ?> toJson) {
        switch (outcome) {
            case PutOutcome.Created<T> created -> {
                res.header(HeaderNames.LOCATION, location);
                written(res, created.revision());
                json(res, Status.CREATED_201, toJson.apply(created.value()));
            }
            case PutOutcome.Replaced<T> replaced -> {
                written(res, replaced.revision());
                json(res, Status.OK_200, toJson.apply(replaced.value()));
            }
            case PutOutcome.Rejected<T> rejected -> problem(res, AdminJson.invalid(rejected.errors()));
            case PutOutcome.PreconditionFailed<T> failed ->
                    problem(res, Problem.preconditionFailed(resource, precondition, failed.current()));
        }
    }

    /** 204 with the revision at which the deletion is live. */
    void deleted(ServerResponse res, Deletion.Deleted deleted) {
        res.header(ETags.revision(deleted.revision()));
        res.status(Status.NO_CONTENT_204).send();
    }

    /** For the methods a known path does not take: 405 with the Allow header. */
    Handler methodNotAllowed(List<Method> allowed) {
        return (req, res) -> problem(res, Problem.methodNotAllowed(req.prologue().method(), allowed));
    }

    /** Reads and binds a JSON body. */
    <T extends Record> T body(ServerRequest req, Class<T> type) {
        return json.decode(JsonBody.read(req), type);
    }

    /** Reads and binds a PUT body, and checks that a name it states is the path's. */
    <T extends Record & NamedRequest> T body(ServerRequest req, Class<T> type, String pathName) {
        T body = body(req, type);
        List<FieldError> nameErrors = body.nameErrors("", pathName);
        if (!nameErrors.isEmpty()) {
            throw new ProblemException(AdminJson.invalid(nameErrors));
        }
        return body;
    }

    private static void written(ServerResponse res, long revision) {
        res.header(ETags.etag(revision));
        res.header(ETags.revision(revision));
    }
}
