package dev.portico.http.http2;

import dev.portico.domain.model.Policy;
import dev.portico.domain.model.RequestKey;
import dev.portico.domain.model.Target;
import dev.portico.domain.port.ResolveRoute;
import dev.portico.domain.routing.ResolvedRoute;
import dev.portico.domain.routing.RoutingDecision;
import dev.portico.http.client.TlsSessions;
import dev.portico.http.forward.ClientExchange;
import dev.portico.http.forward.ErrorReplies;
import dev.portico.http.forward.Forwarder;
import dev.portico.http.forward.HeaderRules;
import dev.portico.http.forward.HttpsPolicy;
import dev.portico.http.forward.ResponseRelay;
import dev.portico.http.observe.Correlation;
import dev.portico.http.observe.ExchangeRecord;
import dev.portico.http.observe.Observation;
import dev.portico.http.upstream.RequestBody;
import dev.portico.http.upstream.UpstreamCall;
import dev.portico.http.wire.TrustedProxies;

import io.helidon.http.HeaderNames;
import io.helidon.http.HttpPrologue;
import io.helidon.http.Method;
import io.helidon.http.ServerRequestHeaders;
import io.helidon.http.Status;
import io.helidon.webserver.http.Handler;
import io.helidon.webserver.http.ServerRequest;
import io.helidon.webserver.http.ServerResponse;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.function.UnaryOperator;

/**
 * HTTP/2 requests, as Helidon reads them on the proxy listeners: routed as Portico's HTTP/1.x reader routes its
 * requests, answered 400/404/405/308 here, and forwarded by the {@link Forwarder} through Helidon's response.
 */
public final class Http2Handler implements Handler {
    private final ResolveRoute routes;
    private final TrustedProxies trustedProxies;
    private final HttpsPolicy https;
    private final Forwarder forwarder;
    private final Observation observation;
    private final TlsSessions tlsSessions;

    public Http2Handler(ResolveRoute routes, TrustedProxies trustedProxies, HttpsPolicy https, Forwarder forwarder,
                        Observation observation, TlsSessions tlsSessions) {
        this.routes = routes;
        this.trustedProxies = trustedProxies;
        this.https = https;
        this.forwarder = forwarder;
        this.observation = observation;
        this.tlsSessions = tlsSessions;
    }

    @Override
    public void handle(ServerRequest request, ServerResponse response) {
        ServerRequestHeaders headers = request.headers();
        String host = headers.contains(HeaderNames.HOST) ? headers.get(HeaderNames.HOST).get() : null;
        String rawPath = request.prologue().uriPath().rawPath();
        Method method = request.prologue().method();
        InetAddress clientAddress = clientAddress(request);
        boolean trusted = clientAddress != null && trustedProxies.contains(clientAddress);
        Correlation ids = HeaderRules.correlation(headers, trusted, observation.startTraces());
        ExchangeRecord record = record(request, host, clientAddress, ids);
        // the client gets the request's id on every answer; set last, it replaces any the upstream sent
        response.beforeSend(() -> response.headers().set(HeaderRules.X_REQUEST_ID, ids.requestId()));
        try {
            if (method == Method.TRACE || method == Method.CONNECT) {
                reply(response, record, Status.METHOD_NOT_ALLOWED_405, ErrorReplies.METHOD_NOT_ALLOWED);
                return;
            }
            switch (routes.resolve(host, rawPath)) {
                case RoutingDecision.BadPath bad -> reply(response, record, Status.BAD_REQUEST_400,
                        ErrorReplies.DOT_SEGMENT);
                case RoutingDecision.NoRoute none -> reply(response, record, Status.NOT_FOUND_404,
                        ErrorReplies.NO_ROUTE);
                case ResolvedRoute route -> forward(route, request, response, host, rawPath, clientAddress, ids,
                        record);
            }
        } finally {
            if (record.status() == 0 && response.isSent()) {
                record.status(response.status().code());
            }
            observation.sink().end(record);
        }
    }

    private ExchangeRecord record(ServerRequest request, String host, InetAddress clientAddress, Correlation ids) {
        ExchangeRecord record = new ExchangeRecord("HTTP/2.0").ids(ids.requestId(), ids.traceId());
        HttpPrologue prologue = request.prologue();
        if (observation.sink().wantsDetails()) {
            ServerRequestHeaders headers = request.headers();
            TlsSessions.Session tls = request.isSecure()
                    ? tlsSessions.of(request.remotePeer().address(), request.localPeer().port()) : null;
            String query = prologue.hasQuery() ? "?" + prologue.query().rawValue() : "";
            record.request(prologue.method().text(), host, prologue.uriPath().rawPath() + query)
                    .agent(headers.first(HeaderNames.USER_AGENT).orElse(null),
                            headers.first(HeaderNames.REFERER).orElse(null))
                    .client(clientAddress == null ? null
                            : trustedProxies.clientOf(clientAddress, HeaderRules.forwardedFor(headers)),
                            tls == null ? null : tls.protocol(), tls == null ? null : tls.serverName());
        } else {
            record.request(prologue.method().text(), null, "");
        }
        return record;
    }

    private static void reply(ServerResponse response, ExchangeRecord record, Status status, byte[] body) {
        record.status(status.code());
        record.addBytesOut(body.length);
        ErrorReplies.send(response, status, body);
    }

    private void forward(ResolvedRoute route, ServerRequest request, ServerResponse response, String host,
                         String rawPath, InetAddress clientAddress, Correlation ids, ExchangeRecord record) {
        if (https.answered(route, request, response, host)) {
            record.routed(route);
            return;
        }
        RequestKey key = route.upstream().policy() == Policy.HASH
                ? requestKey(request, clientAddress == null ? null
                        : trustedProxies.clientOf(clientAddress, HeaderRules.forwardedFor(request.headers())))
                : RequestKey.NONE;
        HelidonExchange exchange = new HelidonExchange(request, response, host, rawPath, clientAddress, ids, record);
        try {
            forwarder.forward(route, exchange, key);
        } finally {
            if (exchange.body != null) {
                record.addBytesIn(exchange.body.received());
            }
        }
    }

    /**
     * What the hash policy may hash: the client's address (behind a trusted proxy, the one it forwarded for), and its
     * headers and cookies, looked up only when the upstream hashes on one.
     */
    private static RequestKey requestKey(ServerRequest request, String clientIp) {
        return new RequestKey(clientIp,
                name -> request.headers().first(HeaderNames.create(name)).orElse(null),
                name -> request.headers().cookies().first(name).orElse(null));
    }

    private static InetAddress clientAddress(ServerRequest request) {
        return request.remotePeer().address() instanceof InetSocketAddress inet ? inet.getAddress() : null;
    }

    /** A request as Helidon read it, answered through Helidon's response: HTTP/2. */
    private final class HelidonExchange implements ClientExchange {
        private final ServerRequest request;
        private final ServerResponse response;
        private final String host;
        private final String rawPath;
        private final HeaderRules.Client client;
        private final Correlation ids;
        private final ExchangeRecord record;
        private RequestBody body;

        public HelidonExchange(ServerRequest request, ServerResponse response, String host, String rawPath,
                        InetAddress clientAddress, Correlation ids, ExchangeRecord record) {
            this.request = request;
            this.response = response;
            this.host = host;
            this.rawPath = rawPath;
            this.client = HeaderRules.Client.of(clientAddress, request.isSecure(), trustedProxies);
            this.ids = ids;
            this.record = record;
        }

        @Override
        public Method method() {
            return request.prologue().method();
        }

        @Override
        public ExchangeRecord record() {
            return record;
        }

        @Override
        public String describe() {
            return request.prologue().method().text() + " " + rawPath;
        }

        @Override
        public String upstreamTarget(ResolvedRoute route, Target target) {
            HttpPrologue prologue = request.prologue();
            String path = route.upstreamPath(target, rawPath);
            return prologue.hasQuery() ? path + "?" + prologue.query().rawValue() : path;
        }

        @Override
        public UpstreamCall.HeaderLines headerLines(ResolvedRoute route, Target target) {
            HeaderRules.Forwarding forwarding = client.forwarding(route, target, host);
            return out -> HeaderRules.writeToUpstream(request.headers(), out, forwarding, ids);
        }

        @Override
        public RequestBody body() {
            if (body == null) {
                body = RequestBody.of(request);
            }
            return body;
        }

        @Override
        public ResponseRelay.Ending relay(ResolvedRoute route, Target target, UpstreamCall.Reply.Answered answered) {
            UnaryOperator<String> rewriteLocation = location -> host == null ? location
                    : route.rewriteLocation(location, target, client.scheme(), host);
            return ResponseRelay.relay(answered.response(), answered.connection(),
                    new Http2Response(answered.response(), response, rewriteLocation), record);
        }

        @Override
        public void reply(Status status, String text) {
            response.headers().clear();
            Http2Handler.reply(response, record, status, text.getBytes(StandardCharsets.UTF_8));
        }
    }
}
