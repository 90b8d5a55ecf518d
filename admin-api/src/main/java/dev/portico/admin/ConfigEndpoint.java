package dev.portico.admin;

import dev.portico.domain.model.TokenScope;
import dev.portico.domain.port.ApplyOutcome;
import dev.portico.domain.port.ManageConfiguration;
import dev.portico.domain.port.Precondition;
import dev.portico.domain.validation.FieldError;
import io.helidon.http.Method;
import io.helidon.http.Status;
import io.helidon.webserver.http.ServerRequest;
import io.helidon.webserver.http.ServerResponse;

import java.util.ArrayList;
import java.util.List;
import java.util.OptionalLong;

/**
 * {@code /v1/config} and {@code /v1/status}: the configuration as one document, exported and replaced whole in one
 * transaction ({@code ?dryRun=true} only answers what would change), and where it stands.
 */
final class ConfigEndpoint implements Endpoint {
    static final String PATH = "/v1/config";
    static final String STATUS_PATH = "/v1/status";
    static final String DRY_RUN = "dryRun";

    private final ManageConfiguration configuration;
    private final Replies replies;

    ConfigEndpoint(ManageConfiguration configuration, Replies replies) {
        this.configuration = configuration;
        this.replies = replies;
    }

    @Override
    public List<Operation> operations() {
        return List.of(
                new Operation(Method.GET, STATUS_PATH, TokenScope.READ, this::status),
                new Operation(Method.GET, PATH, TokenScope.READ, this::export),
                new Operation(Method.PUT, PATH, TokenScope.WRITE, this::replace));
    }

    private void status(ServerRequest req, ServerResponse res) {
        replies.json(res, Status.OK_200, StatusJson.of(configuration.status()));
    }

    private void export(ServerRequest req, ServerResponse res) {
        ConfigJson config = ConfigJson.of(configuration.configuration());
        res.header(ETags.etag(config.revision()));
        replies.json(res, Status.OK_200, config);
    }

    private void replace(ServerRequest req, ServerResponse res) {
        boolean dryRun = dryRun(req);
        Precondition precondition = ETags.precondition(req);
        ConfigRequest body = replies.body(req, ConfigRequest.class);
        refuseContradictingNames(body);
        ApplyOutcome outcome = dryRun
                ? configuration.preview(body.spec(), precondition)
                : configuration.apply(body.spec(), precondition, Caller.change(req));
        switch (outcome) {
            case ApplyOutcome.Applied applied -> {
                res.header(ETags.etag(applied.revision()));
                res.header(ETags.revision(applied.revision()));
                replies.json(res, Status.OK_200, DiffJson.of(false, applied.revision(), applied.diff()));
            }
            case ApplyOutcome.Previewed previewed -> {
                // The ETag of the configuration the diff was computed against: applying with If-Match set to it
                // makes exactly this diff, or fails with 412.
                res.header(ETags.etag(previewed.revision()));
                replies.json(res, Status.OK_200, DiffJson.of(true, previewed.revision(), previewed.diff()));
            }
            case ApplyOutcome.Rejected rejected -> replies.problem(res, AdminJson.invalid(rejected.errors()));
            case ApplyOutcome.PreconditionFailed failed -> replies.problem(res, Problem.preconditionFailed(
                    "The configuration", precondition, OptionalLong.of(failed.current())));
        }
    }

    /** Names in the body that contradict their keys; refused with every error at once, the domain's included. */
    private void refuseContradictingNames(ConfigRequest body) {
        List<FieldError> nameErrors = body.nameErrors();
        if (nameErrors.isEmpty()) {
            return;
        }
        List<FieldError> errors = new ArrayList<>(nameErrors);
        if (configuration.preview(body.spec(), Precondition.Unconditional.INSTANCE)
                instanceof ApplyOutcome.Rejected rejected) {
            errors.addAll(rejected.errors());
        }
        throw new ProblemException(AdminJson.invalid(errors));
    }

    /** The dryRun parameter: absent is false; anything but one true or false is refused. */
    private static boolean dryRun(ServerRequest req) {
        List<String> values = req.query().all(DRY_RUN, List::of);
        if (values.isEmpty() || values.equals(List.of("false"))) {
            return false;
        }
        if (values.equals(List.of("true"))) {
            return true;
        }
        throw new ProblemException(Problem.badParameter(DRY_RUN, "must be true or false"));
    }
}
