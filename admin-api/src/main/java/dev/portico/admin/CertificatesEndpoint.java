package dev.portico.admin;

import dev.portico.domain.model.CertificateOrigin;
import dev.portico.domain.model.ServedCertificate;
import dev.portico.domain.model.TokenScope;
import dev.portico.domain.port.CertificateOutcome;
import dev.portico.domain.port.Deletion;
import dev.portico.domain.port.ManageCertificates;
import io.helidon.http.HeaderNames;
import io.helidon.http.Method;
import io.helidon.http.Status;
import io.helidon.webserver.http.ServerRequest;
import io.helidon.webserver.http.ServerResponse;

import java.time.Clock;
import java.util.List;

/**
 * {@code /v1/certificates}: the HTTPS listener's certificates. A PUT is loaded before anything is stored, so a refused
 * certificate (422 with the reason and its code) changes nothing and the one in service stays. Reloads read a
 * certificate's files again, which is what the certbot deploy hook asks for after a renewal.
 */
final class CertificatesEndpoint implements Endpoint {
    static final String PATH = "/v1/certificates";

    private final ManageCertificates certificates;
    private final Replies replies;
    private final Clock clock;

    CertificatesEndpoint(ManageCertificates certificates, Replies replies, Clock clock) {
        this.certificates = certificates;
        this.replies = replies;
        this.clock = clock;
    }

    @Override
    public List<Operation> operations() {
        return List.of(
                new Operation(Method.GET, PATH, TokenScope.READ, this::list),
                new Operation(Method.POST, PATH + "/reload", TokenScope.WRITE, this::reloadAll),
                new Operation(Method.GET, PATH + "/{name}", TokenScope.READ, this::get),
                new Operation(Method.PUT, PATH + "/{name}", TokenScope.WRITE, this::put),
                new Operation(Method.DELETE, PATH + "/{name}", TokenScope.WRITE, this::delete),
                new Operation(Method.POST, PATH + "/{name}/reload", TokenScope.WRITE, this::reload));
    }

    private void list(ServerRequest req, ServerResponse res) {
        replies.json(res, Status.OK_200, certificates.certificates().stream().map(this::json).toList());
    }

    private void get(ServerRequest req, ServerResponse res) {
        String name = req.path().pathParameters().get("name");
        certificates.certificate(name).ifPresentOrElse(
                certificate -> replies.json(res, Status.OK_200, json(certificate)),
                () -> replies.problem(res, notFound(name)));
    }

    private void put(ServerRequest req, ServerResponse res) {
        String name = req.path().pathParameters().get("name");
        CertificateOrigin origin = replies.body(req, CertificateRequest.class).origin();
        answer(res, certificates.put(name, origin, Caller.change(req)));
    }

    private void delete(ServerRequest req, ServerResponse res) {
        String name = req.path().pathParameters().get("name");
        switch (certificates.delete(name, Caller.change(req))) {
            case Deletion.Deleted deleted -> replies.deleted(res, deleted);
            case Deletion.NotFound ignored -> replies.problem(res, notFound(name));
            case Deletion.InUse inUse -> throw new IllegalStateException("a certificate is never in use: " + inUse);
            case Deletion.PreconditionFailed failed ->
                    throw new IllegalStateException("certificate deletes take no precondition: " + failed);
        }
    }

    private void reload(ServerRequest req, ServerResponse res) {
        answer(res, certificates.reload(req.path().pathParameters().get("name")));
    }

    /** 200 with every certificate's outcome; a refusal of one does not fail the others or the request. */
    private void reloadAll(ServerRequest req, ServerResponse res) {
        replies.json(res, Status.OK_200, certificates.reloadAll().stream().map(this::reloadJson).toList());
    }

    private void answer(ServerResponse res, CertificateOutcome outcome) {
        switch (outcome) {
            case CertificateOutcome.Installed installed -> {
                if (installed.created()) {
                    res.header(HeaderNames.LOCATION, PATH + "/" + installed.certificate().name());
                }
                replies.json(res, installed.created() ? Status.CREATED_201 : Status.OK_200, json(installed.certificate()));
            }
            case CertificateOutcome.Refused refused ->
                    replies.problem(res, Problem.certificateRefused(refused.name(), refused.code(), refused.message()));
            case CertificateOutcome.Rejected rejected -> replies.problem(res, AdminJson.invalid(rejected.errors()));
            case CertificateOutcome.NotFound notFound -> replies.problem(res, notFound(notFound.name()));
        }
    }

    private ReloadJson reloadJson(CertificateOutcome outcome) {
        return switch (outcome) {
            case CertificateOutcome.Installed installed ->
                    new ReloadJson(installed.certificate().name(), "reloaded", null, null, json(installed.certificate()));
            case CertificateOutcome.Refused refused ->
                    new ReloadJson(refused.name(), "refused", refused.code(), refused.message(), null);
            case CertificateOutcome.NotFound notFound -> new ReloadJson(notFound.name(), "not-found", null, null, null);
            case CertificateOutcome.Rejected rejected ->
                    throw new IllegalStateException("a reload has no input to reject: " + rejected);
        };
    }

    private CertificateJson json(ServedCertificate certificate) {
        return CertificateJson.of(certificate, clock.instant());
    }

    private static Problem notFound(String name) {
        return Problem.of(Status.NOT_FOUND_404, "There is no certificate named '" + name + "'.");
    }

    /** One certificate's reload, in {@code POST /v1/certificates/reload}'s answer. */
    @com.fasterxml.jackson.annotation.JsonInclude(com.fasterxml.jackson.annotation.JsonInclude.Include.NON_NULL)
    record ReloadJson(String name, String outcome, String code, String detail, CertificateJson certificate) {
    }
}
