package dev.portico.admin;

import dev.portico.domain.model.TokenScope;
import dev.portico.domain.port.ReadAuditLog;
import io.helidon.http.Method;
import io.helidon.http.Status;
import io.helidon.webserver.http.ServerRequest;
import io.helidon.webserver.http.ServerResponse;

import java.util.List;

/** {@code GET /v1/audit?limit=N}: the most recent changes, newest first. */
final class AuditEndpoint implements Endpoint {
    static final String PATH = "/v1/audit";
    static final String LIMIT = "limit";

    private final ReadAuditLog audit;
    private final Replies replies;

    AuditEndpoint(ReadAuditLog audit, Replies replies) {
        this.audit = audit;
        this.replies = replies;
    }

    @Override
    public List<Operation> operations() {
        return List.of(new Operation(Method.GET, PATH, TokenScope.READ, this::latest));
    }

    private void latest(ServerRequest req, ServerResponse res) {
        List<String> values = req.query().all(LIMIT, List::of);
        int limit = ReadAuditLog.DEFAULT_LIMIT;
        if (!values.isEmpty()) {
            String value = values.getFirst();
            if (values.size() > 1 || !value.matches("[0-9]{1,4}")
                    || Integer.parseInt(value) < 1 || Integer.parseInt(value) > ReadAuditLog.MAX_LIMIT) {
                replies.problem(res, Problem.badParameter(LIMIT, "must be a whole number from 1 to "
                        + ReadAuditLog.MAX_LIMIT));
                return;
            }
            limit = Integer.parseInt(value);
        }
        replies.json(res, Status.OK_200, audit.latest(limit).stream().map(AuditEntryJson::of).toList());
    }
}
