package dev.portico.admin;

import dev.portico.domain.model.AdminToken;
import dev.portico.domain.port.AuthenticateAdmin;
import dev.portico.domain.port.ManageCertificates;
import dev.portico.domain.port.ManageConfiguration;
import dev.portico.domain.port.ManageRoutes;
import dev.portico.domain.port.ManageTokens;
import dev.portico.domain.port.ManageUpstreams;
import dev.portico.domain.port.ReadAuditLog;
import dev.portico.domain.port.ReadUpstreamHealth;
import dev.portico.domain.health.TargetStates;
import io.helidon.http.DirectHandler;
import io.helidon.http.HttpException;
import io.helidon.http.Method;
import io.helidon.http.Status;
import io.helidon.webserver.ErrorHandling;
import io.helidon.webserver.ListenerConfig;
import io.helidon.webserver.http.DirectHandlers;
import io.helidon.webserver.http.Handler;
import io.helidon.webserver.http.HttpRouting;
import io.helidon.webserver.http.ServerRequest;
import io.helidon.webserver.http.ServerResponse;
import io.helidon.webserver.http1.Http1Config;

import java.time.Clock;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.stream.Stream;

/**
 * The admin REST API under {@code /v1}: upstreams, routes and the whole configuration (with ETags and conditional
 * writes), status, tokens, the audit log and the OpenAPI document; every request authenticated with an admin bearer
 * token whose scope the operation requires. The composition root creates it from the domain's inbound ports and
 * registers it on the routing of the admin listener.
 */
public final class AdminApi {
    private static final System.Logger LOGGER = System.getLogger(AdminApi.class.getName());

    /**
     * The domain's inbound ports the API drives.
     *
     * @param health each target's live health; the data plane's {@code Routing} is the one that knows
     */
    public record Ports(ManageUpstreams upstreams, ManageRoutes routes, ManageConfiguration configuration,
                        ManageTokens tokens, AuthenticateAdmin authenticate, ReadAuditLog audit,
                        ReadUpstreamHealth health, ManageCertificates certificates) {
        public Ports {
            Objects.requireNonNull(certificates, "certificates");
            Objects.requireNonNull(health, "health");
            Objects.requireNonNull(upstreams, "upstreams");
            Objects.requireNonNull(routes, "routes");
            Objects.requireNonNull(configuration, "configuration");
            Objects.requireNonNull(tokens, "tokens");
            Objects.requireNonNull(authenticate, "authenticate");
            Objects.requireNonNull(audit, "audit");
        }

        /**
         * Without the data plane's health: targets are reported from the stored configuration as a fresh health model
         * sees them (healthy unless draining, nothing in flight). Wire {@code Routing} as {@code health} instead.
         */
        public Ports(ManageUpstreams upstreams, ManageRoutes routes, ManageConfiguration configuration,
                     ManageTokens tokens, AuthenticateAdmin authenticate, ReadAuditLog audit) {
            this(upstreams, routes, configuration, tokens, authenticate, audit, storedOnly(upstreams),
                    NoCertificates.INSTANCE);
        }

        /** Without HTTPS: the certificate endpoints list nothing and refuse to load anything. */
        public Ports(ManageUpstreams upstreams, ManageRoutes routes, ManageConfiguration configuration,
                     ManageTokens tokens, AuthenticateAdmin authenticate, ReadAuditLog audit,
                     ReadUpstreamHealth health) {
            this(upstreams, routes, configuration, tokens, authenticate, audit, health, NoCertificates.INSTANCE);
        }

        private static ReadUpstreamHealth storedOnly(ManageUpstreams upstreams) {
            TargetStates states = TargetStates.systemClock();
            return name -> upstreams.upstream(name).map(states::report);
        }
    }

    private final AdminJson json = new AdminJson();
    private final Replies replies = new Replies(json);
    private final AuthenticateAdmin authenticate;
    private final FailedAuthentications failures;
    private final List<Operation> operations;

    private AdminApi(Ports ports, Clock clock) {
        this.authenticate = ports.authenticate();
        this.failures = new FailedAuthentications(Objects.requireNonNull(clock, "clock"));
        this.operations = Stream.of(
                        new ConfigEndpoint(ports.configuration(), replies),
                        new UpstreamsEndpoint(ports.upstreams(), ports.health(), replies),
                        new RoutesEndpoint(ports.routes(), replies),
                        new TokensEndpoint(ports.tokens(), replies),
                        new AuditEndpoint(ports.audit(), replies),
                        new CertificatesEndpoint(ports.certificates(), replies, clock),
                        new OpenApiEndpoint())
                .flatMap(endpoint -> endpoint.operations().stream())
                .toList();
    }

    public static AdminApi create(Ports ports) {
        return create(ports, Clock.systemUTC());
    }

    /** @param clock times the throttling of failed authentications */
    public static AdminApi create(Ports ports, Clock clock) {
        return new AdminApi(ports, clock);
    }

    /** Every operation the API registers, in the order registered. */
    List<Operation> operations() {
        return operations;
    }

    /**
     * Sets up the listener the API is served on. It speaks HTTP/1.1 only: with HTTP/2 also on the class path (as in
     * Portico), Helidon 4.5 chooses the protocol from the first bytes it reads, and a request line longer than
     * {@code maxPrologueLength} is taken for neither protocol and the connection closed without an answer. With one
     * protocol there is no choosing, and such a request line is answered 414. That answer, 431 for a header section
     * over {@code maxHeadersSize} and Helidon's other refusals before routing are problem+json like every other.
     */
    public void configure(ListenerConfig.BuilderBase<?, ?> listener) {
        Http1Config http1 = Http1Config.create();
        DirectHandler unreadable = new UnreadableRequests(json, http1.maxPrologueLength(), http1.maxHeadersSize());
        DirectHandlers.Builder directHandlers = DirectHandlers.builder();
        for (DirectHandler.EventType type : DirectHandler.EventType.values()) {
            directHandlers.addHandler(type, unreadable);
        }
        listener.protocolsDiscoverServices(false)
                .addProtocols(List.of(http1))
                .directHandlers(directHandlers.build())
                // Hands Helidon's reason for a 400 to the direct handler, which tells a header section that is too
                // large by it; the reason itself is never sent.
                .errorHandling(ErrorHandling.builder().includeEntity(true).build());
    }

    /**
     * Installs the authentication filter, the operations and the error mapping. Meant for a routing of its own (the
     * admin listener's): the filter guards every path of that routing, and unknown paths answer problem+json.
     */
    public void register(HttpRouting.Builder routing) {
        routing.addFilter(new HeldBackBodyFilter())
                .addFilter(new BearerTokenFilter(authenticate, failures, replies));
        Map<String, List<Method>> methodsByPath = new LinkedHashMap<>();
        for (Operation operation : operations) {
            routing.route(operation.method(), operation.path(), scoped(operation));
            methodsByPath.computeIfAbsent(operation.path(), path -> new ArrayList<>()).add(operation.method());
        }
        // After every operation, so that these only catch the methods a known path does not take.
        methodsByPath.forEach((path, methods) -> routing.any(path, replies.methodNotAllowed(methods)));
        routing.error(ProblemException.class, (req, res, e) -> replies.problem(res, e.problem()))
                .error(HttpException.class, this::httpError)
                .error(Exception.class, this::unexpected);
    }

    /** The operation's handler, behind the check that the caller's token has the scope it needs. */
    private Handler scoped(Operation operation) {
        return (req, res) -> {
            AdminToken token = Caller.token(req);
            if (!token.scope().allows(operation.scope())) {
                replies.problem(res, Problem.insufficientScope(token.scope(), operation));
                return;
            }
            operation.handler().handle(req, res);
        };
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
