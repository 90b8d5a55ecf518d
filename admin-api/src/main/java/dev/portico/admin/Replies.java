package dev.portico.admin;

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

    /** 201 with a Location for a new resource, 200 for a replaced one, 400 naming the fields the domain refused. */
    <T> void put(ServerResponse res, String location, PutOutcome<T> outcome, Function<T, ?> toJson) {
        switch (outcome) {
            case PutOutcome.Created<T> created -> {
                res.header(HeaderNames.LOCATION, location);
                json(res, Status.CREATED_201, toJson.apply(created.value()));
            }
            case PutOutcome.Replaced<T> replaced -> json(res, Status.OK_200, toJson.apply(replaced.value()));
            case PutOutcome.Rejected<T> rejected -> problem(res, AdminJson.invalid(rejected.errors()));
        }
    }

    /** For the methods a known path does not take: 405 with the Allow header. */
    Handler methodNotAllowed(Method... allowed) {
        List<Method> allow = List.of(allowed);
        return (req, res) -> problem(res, Problem.methodNotAllowed(req.prologue().method(), allow));
    }

    /** Reads and binds a PUT body, and checks that a name it states is the path's. */
    <T extends Record & NamedRequest> Decoded<T> body(ServerRequest req, Class<T> type, String pathName) {
        return switch (RequestBody.read(req)) {
            case Decoded.Refused<byte[]> refused -> new Decoded.Refused<>(refused.problem());
            case Decoded.Ok<byte[]> bytes -> switch (json.decode(bytes.value(), type)) {
                case Decoded.Refused<T> refused -> refused;
                case Decoded.Ok<T> ok -> {
                    List<FieldError> nameErrors = ok.value().nameErrors(pathName);
                    yield nameErrors.isEmpty() ? ok : new Decoded.Refused<>(AdminJson.invalid(nameErrors));
                }
            };
        };
    }
}
