package dev.portico.http;

import dev.portico.domain.model.RawPath;
import dev.portico.domain.model.ResolvedRoute;
import dev.portico.domain.model.RoutingDecision;
import dev.portico.domain.model.Target;
import dev.portico.domain.port.ResolveRoute;

import io.helidon.http.HeaderNames;
import io.helidon.http.HttpPrologue;
import io.helidon.http.ServerRequestHeaders;
import io.helidon.webserver.CloseConnectionException;
import io.helidon.webserver.http.Handler;
import io.helidon.webserver.http.ServerRequest;
import io.helidon.webserver.http.ServerResponse;

import java.lang.System.Logger.Level;
import java.net.InetAddress;
import java.net.InetSocketAddress;

/**
 * Every request on the proxy listener: asks the domain which route serves it, sends it to the target the route's
 * balancer picks, and relays the answer, or answers 404, 502 or 504 itself. Failures are told apart by whose
 * fault they are: the upstream's are logged as warnings and reported to the observer as such; a client that goes
 * away is logged at DEBUG and never counted against the upstream.
 */
final class ProxyHandler implements Handler {
    private static final System.Logger LOG = System.getLogger(ProxyHandler.class.getName());

    private final ResolveRoute routes;
    private final ProxySettings.TrustedProxies trustedProxies;
    private final UpstreamCall upstreams;
    private final ExchangeObserver observer;
    private final HttpsPolicy https;

    ProxyHandler(ResolveRoute routes, ProxySettings.TrustedProxies trustedProxies, UpstreamCall upstreams,
                 ExchangeObserver observer, HttpsPolicy https) {
        this.routes = routes;
        this.https = https;
        this.trustedProxies = trustedProxies;
        this.upstreams = upstreams;
        this.observer = observer;
    }

    @Override
    public void handle(ServerRequest request, ServerResponse response) {
        ServerRequestHeaders headers = request.headers();
        String host = headers.contains(HeaderNames.HOST) ? headers.get(HeaderNames.HOST).get() : null;
        String rawPath = request.prologue().uriPath().rawPath();
        if (RawPath.hasDotSegment(rawPath)) {
            ErrorReplies.dotSegment(request, response);
            return;
        }
        switch (routes.resolve(host, rawPath)) {
            case RoutingDecision.NoRoute ignored -> ErrorReplies.noRoute(request, response);
            case ResolvedRoute route -> forward(route, request, response, host, rawPath);
        }
    }

    private void forward(ResolvedRoute route, ServerRequest request, ServerResponse response, String host,
                         String rawPath) {
        if (https.answered(route, request, response, host)) {
            return;
        }
        Target target = route.balancer().next();
        String scheme = request.isSecure() ? "https" : "http";
        InetAddress clientAddress = clientAddress(request);
        HeaderRules.Forwarding forwarding = new HeaderRules.Forwarding(
                route.route().preserveHost() && host != null ? host : target.authority(),
                clientAddress == null ? "unknown" : IpLiteral.format(clientAddress),
                clientAddress != null && trustedProxies.contains(clientAddress),
                scheme,
                host);
        HttpPrologue prologue = request.prologue();
        String rawTarget = route.upstreamPath(target, rawPath)
                + (prologue.hasQuery() ? "?" + prologue.query().rawValue() : "");
        UpstreamCall.Outbound outbound = new UpstreamCall.Outbound(prologue.method(), target, rawTarget,
                route.route().timeout(), out -> HeaderRules.writeToUpstream(request.headers(), out, forwarding),
                RequestBody.of(request));

        switch (upstreams.send(outbound)) {
            case UpstreamCall.Reply.Answered answered -> relay(route, target, request, response, answered, scheme, host);
            case UpstreamCall.Reply.Failed failed ->
                    upstreamFailed(route, target, request, response, failed.failure(), failed.cause());
            case UpstreamCall.Reply.ClientGone gone -> clientGone(route, target, request, gone.cause());
        }
    }

    private void relay(ResolvedRoute route, Target target, ServerRequest request, ServerResponse response,
                       UpstreamCall.Reply.Answered answered, String scheme, String host) {
        int status = answered.response().status().code();
        ResponseRelay.Ending ending = ResponseRelay.relay(answered.response(), answered.connection(), response,
                location -> host == null ? location : route.rewriteLocation(location, target, scheme, host));
        switch (ending) {
            case ResponseRelay.Ending.Complete ignored -> observer.forwarded(route, target, status);
            case ResponseRelay.Ending.UpstreamFailedBeforeBody failed -> {
                // nothing was written yet: the upstream's status and headers are replaced by the error reply
                response.headers().clear();
                upstreamFailed(route, target, request, response, answered.connection().failureOf(failed.cause()),
                        failed.cause());
            }
            case ResponseRelay.Ending.UpstreamFailedMidBody failed -> {
                log(Level.WARNING, route, target, request, UpstreamFailure.ABORTED_RESPONSE, failed.cause());
                observer.upstreamFailed(route, target, UpstreamFailure.ABORTED_RESPONSE);
                // closing the client's connection is the only way to tell it the body is incomplete: a normal end
                // would send the last chunk, or leave a Content-Length unmet on a connection still in use
                throw new CloseConnectionException("upstream failed mid-response", failed.cause());
            }
            case ResponseRelay.Ending.ClientGone gone -> clientGone(route, target, request, gone.cause());
        }
    }

    private void upstreamFailed(ResolvedRoute route, Target target, ServerRequest request, ServerResponse response,
                                UpstreamFailure failure, Throwable cause) {
        log(Level.WARNING, route, target, request, failure, cause);
        observer.upstreamFailed(route, target, failure);
        ErrorReplies.upstreamFailed(request, response, route.upstream().name(), failure);
    }

    private void clientGone(ResolvedRoute route, Target target, ServerRequest request, Throwable cause) {
        if (LOG.isLoggable(Level.DEBUG)) {
            LOG.log(Level.DEBUG, "Client went away during " + describe(route, target, request) + ": " + cause);
        }
        observer.clientAborted(route, target);
        throw new CloseConnectionException("client went away", cause);
    }

    private static void log(Level level, ResolvedRoute route, Target target, ServerRequest request,
                            UpstreamFailure failure, Throwable cause) {
        if (LOG.isLoggable(level)) {
            LOG.log(level, "Upstream '" + route.upstream().name() + "' " + failure.description() + " ("
                    + describe(route, target, request) + "): " + cause);
        }
    }

    private static String describe(ResolvedRoute route, Target target, ServerRequest request) {
        // the path only: a query string may carry credentials
        return request.prologue().method().text() + " " + request.prologue().uriPath().rawPath()
                + " via route '" + route.route().name() + "' to " + target.url();
    }

    private static InetAddress clientAddress(ServerRequest request) {
        return request.remotePeer().address() instanceof InetSocketAddress inet ? inet.getAddress() : null;
    }
}
