package dev.portico.http.http1;

import dev.portico.domain.model.Policy;
import dev.portico.domain.model.RequestKey;
import dev.portico.domain.model.Target;
import dev.portico.domain.port.ResolveRoute;
import dev.portico.domain.routing.ResolvedRoute;
import dev.portico.domain.routing.RoutingDecision;
import dev.portico.http.client.ClientDeadlines;
import dev.portico.http.client.ClientLimits;
import dev.portico.http.client.TlsSessions;
import dev.portico.http.forward.ClientExchange;
import dev.portico.http.forward.ClientWriter;
import dev.portico.http.forward.ErrorReplies;
import dev.portico.http.forward.Forwarder;
import dev.portico.http.forward.HeaderRules;
import dev.portico.http.forward.HttpsPolicy;
import dev.portico.http.forward.ResponseHeaders;
import dev.portico.http.forward.ResponseRelay;
import dev.portico.http.observe.Correlation;
import dev.portico.http.observe.ExchangeRecord;
import dev.portico.http.observe.Observation;
import dev.portico.http.upstream.RequestBody;
import dev.portico.http.upstream.UpstreamCall;
import dev.portico.http.upstream.UpstreamResponse;
import dev.portico.http.websocket.WebSocketProxy;
import dev.portico.http.wire.HeadWriter;
import dev.portico.http.wire.RequestHead;
import dev.portico.http.wire.TrustedProxies;

import io.helidon.common.buffers.DataReader;
import io.helidon.common.concurrency.limits.Limit;
import io.helidon.common.concurrency.limits.LimitAlgorithm;
import io.helidon.http.DateTime;
import io.helidon.http.Header;
import io.helidon.http.Method;
import io.helidon.http.Status;
import io.helidon.webserver.ConnectionContext;
import io.helidon.webserver.spi.ServerConnection;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.function.UnaryOperator;

/**
 * One client's HTTP/1.x connection on a proxy listener: Portico reads every request itself ({@link RequestHead},
 * {@link Http1Body}), forwards it with the {@link Forwarder}, and answers as bytes ({@link ResponseRelay}),
 * or answers itself (404 without a route, 400 for a '.' segment, 308 to HTTPS, 405 for TRACE and CONNECT, 503 over
 * the request limit, and the status of every request it refuses). WebSocket upgrades go to {@link WebSocketProxy}.
 * Each wait for the client has a deadline ({@link ClientDeadlines}): the request head, the next piece of a body, the
 * next request of a kept-alive connection.
 */
public final class Http1Connection implements ServerConnection {
    /** What every connection of a listener shares. */
    public record Shared(Forwarder forwarder, ResolveRoute routes, HttpsPolicy https,
                  TrustedProxies trustedProxies, WebSocketProxy webSockets,
                  ClientLimits limits, Observation observation, TlsSessions tlsSessions) {
    }

    private final Shared shared;
    private final ConnectionContext ctx;
    private final DataReader reader;
    private final ClientDeadlines.Watch watch;
    private final RequestHead head;
    private final boolean secure;
    private final InetAddress clientAddress;
    private final HeaderRules.Client client;
    private final long headerNanos;
    private final long keepAliveNanos;
    private final long bodyNanos;
    private ClientWriter writer;
    /** Whether the connection ends after the current response. */
    private boolean closeAfter;
    /** Whether bytes of the current request (its body) were left unread. */
    private boolean unreadInput;

    /** The exchange being served, and its correlation; null between requests. */
    private ExchangeRecord current;
    private Correlation ids;

    private volatile Thread thread;
    private volatile boolean canRun = true;
    private volatile boolean waitingForRequest;
    private volatile ServerConnection upgraded;

    /** @param ctx the client's connection, its writes under the watch's send deadline */
    public Http1Connection(Shared shared, ConnectionContext ctx, ClientDeadlines.Watch watch) {
        this.shared = shared;
        this.ctx = ctx;
        this.reader = ctx.dataReader();
        this.watch = watch;
        ClientLimits limits = shared.limits();
        this.head = new RequestHead(limits.maxRequestLine(), limits.maxHeaderSize());
        this.secure = ctx.isSecure();
        this.clientAddress = ctx.remotePeer().address() instanceof InetSocketAddress inet ? inet.getAddress() : null;
        this.client = HeaderRules.Client.of(clientAddress, secure, shared.trustedProxies());
        this.headerNanos = limits.headerTimeout().toNanos();
        this.keepAliveNanos = limits.keepAliveTimeout().toNanos();
        this.bodyNanos = limits.bodyTimeout().toNanos();
    }

    @Override
    public void handle(Limit limit) throws InterruptedException {
        thread = Thread.currentThread();
        boolean first = true;
        while (canRun) {
            waitingForRequest = true;
            RequestHead.Parse parse = readHead(first);
            waitingForRequest = false;
            first = false;
            if (parse == null) {
                return;
            }
            if (parse == RequestHead.Parse.REFUSED) {
                closeAfter = true;
                RequestHead.Refusal refusal = head.refusal();
                begin(false);
                try {
                    answer(refusal.status(), ErrorReplies.text(refusal.status(), refusal.reason()), null, null, true);
                } finally {
                    end();
                }
                if (refusal.status().code() == 414 || refusal.status().code() == 431) {
                    // refused before the head's end: the client may still be sending it
                    lingerBeforeClosing();
                }
                return;
            }
            reader.skip(head.length());
            closeAfter = head.close();
            unreadInput = false;
            begin(true);
            try {
                if (head.upgradesToWebSocket() && head.method() == Method.GET && !head.hasBody()) {
                    ServerConnection relay = shared.webSockets().upgrade(ctx, head.method().text(), head.host(),
                            head.rawPath(), head.rawQuery(), head.helidonHeaders(), this::requestKey, ids, current);
                    if (relay != null) {
                        upgraded = relay;
                        if (canRun) {
                            relay.handle(limit);
                        } else {
                            relay.close(true);
                        }
                        return;
                    }
                }
                if (!(limit.tryAcquireOutcome(false) instanceof LimitAlgorithm.Outcome.Accepted accepted)) {
                    closeAfter = true;
                    answer(Status.SERVICE_UNAVAILABLE_503, ErrorReplies.TOO_BUSY, null, null, false);
                    return;
                }
                LimitAlgorithm.Token permit = accepted.token();
                try {
                    serve();
                    permit.success();
                } catch (Throwable e) {
                    permit.dropped();
                    throw e;
                }
            } finally {
                end();
            }
            if (closeAfter) {
                if (unreadInput) {
                    lingerBeforeClosing();
                }
                return;
            }
        }
    }

    /**
     * Starts the record of the request just read ({@code parsed}) or refused, with its correlation: the request id and
     * trace context it sends on and, for the id, answers with. The details only an access log reads are looked up
     * only when one is written.
     */
    private void begin(boolean parsed) {
        Observation observation = shared.observation();
        ExchangeRecord record = new ExchangeRecord(parsed && head.http10() ? "HTTP/1.0" : "HTTP/1.1");
        boolean details = observation.sink().wantsDetails();
        if (parsed) {
            ids = Correlation.of(head.forwarding(RequestHead.REQUEST_ID_VALUE), client.trusted(),
                    head.forwarding(RequestHead.TRACEPARENT_VALUE), head.forwarding(RequestHead.TRACESTATE_VALUE),
                    observation.startTraces());
            if (details) {
                record.request(head.method().text(), head.host(), head.rawPath() + head.rawQuery())
                        .agent(head.header("User-Agent"), head.header("Referer"));
            } else {
                record.request(head.method().text(), null, "");
            }
        } else {
            ids = Correlation.of(null, false, null, null, false);
        }
        if (details) {
            TlsSessions.Session tls = tlsSession();
            record.client(parsed ? clientIp() : client.address(), tls == null ? null : tls.protocol(),
                    tls == null ? null : tls.serverName());
        }
        current = record.ids(ids.requestId(), ids.traceId());
    }

    /** This connection's TLS session as the access log reports it; null on plain HTTP. */
    private TlsSessions.Session tlsSession() {
        return secure ? shared.tlsSessions().of(ctx.remotePeer().address(), ctx.localPeer().port()) : null;
    }

    /** Ends the current exchange's record: the access log and the metrics hear it. */
    private void end() {
        ExchangeRecord record = current;
        if (record != null) {
            current = null;
            shared.observation().sink().end(record);
        }
    }

    /**
     * nginx's lingering close: after an answer to a request whose bytes were not all read, what the client still
     * sends is read and dropped for a moment before the connection closes. Closed at once, a socket with unread bytes
     * resets the connection, and the client may lose the answer before reading it.
     */
    private void lingerBeforeClosing() {
        long until = System.nanoTime() + LINGER.toNanos();
        long drained = 0;
        try {
            while (drained < MAX_LINGER_BYTES && System.nanoTime() - until < 0) {
                int available = reader.available();
                if (available > 0) {
                    reader.skip(available);
                    drained += available;
                } else {
                    watch.readBy(Math.min(until, System.nanoTime() + LINGER_GAP.toNanos()), "end of a refused request");
                    reader.pullData();
                }
            }
        } catch (RuntimeException closed) {
            // the client closed, or stayed silent past the gap
        } finally {
            watch.notReading();
        }
    }

    /** Answers the request just read, or forwards it. */
    private void serve() {
        Method method = head.method();
        if (method == Method.TRACE || method == Method.CONNECT) {
            answerWithoutBody(Status.METHOD_NOT_ALLOWED_405, ErrorReplies.METHOD_NOT_ALLOWED, null, null);
            return;
        }
        String host = head.host();
        String rawPath = head.rawPath();
        switch (shared.routes().resolve(host, rawPath)) {
            case RoutingDecision.BadPath bad -> answerWithoutBody(Status.BAD_REQUEST_400, ErrorReplies.DOT_SEGMENT, null,
                    null);
            case RoutingDecision.NoRoute none -> answerWithoutBody(Status.NOT_FOUND_404, ErrorReplies.NO_ROUTE, null,
                    null);
            case ResolvedRoute route -> serve(route, host, rawPath);
        }
    }

    /** A request with a route: redirected to HTTPS, or forwarded. */
    private void serve(ResolvedRoute route, String host, String rawPath) {
        Header strictTransport = shared.https().strictTransport(route, secure);
        if (HttpsPolicy.redirects(route, secure, rawPath)) {
            if (host == null) {
                answerWithoutBody(Status.BAD_REQUEST_400, ErrorReplies.NO_HOST_TO_REDIRECT, null, null);
            } else {
                answerWithoutBody(Status.PERMANENT_REDIRECT_308, ErrorReplies.REDIRECT_TO_HTTPS, null,
                        shared.https().location(host, rawPath, head.rawQuery()));
            }
            return;
        }
        RequestBody body = null;
        if (head.hasBody()) {
            Http1Body source = new Http1Body(reader, head.chunked() ? -1 : head.contentLength(),
                    shared.limits().maxHeaderSize(), watch, bodyNanos,
                    head.expectsContinue() && !head.http10() ? this::sendContinue : null);
            body = RequestBody.of(head.chunked() ? -1 : head.contentLength(), source);
        }
        RequestKey key = route.upstream().policy() == Policy.HASH ? requestKey() : RequestKey.NONE;
        Exchange exchange = new Exchange(route, host, body, strictTransport);
        try {
            shared.forwarder().forward(route, exchange, key);
        } finally {
            if (body != null) {
                current.addBytesIn(body.received());
            }
        }
        if (body != null && !body.complete()) {
            // what follows on the connection is the rest of this body, not a request
            closeAfter = true;
            unreadInput = true;
        }
    }

    /** One of Portico's own answers to a request whose body, if any, was not read: it ends the connection. */
    private void answerWithoutBody(Status status, byte[] body, Header strictTransport, String location) {
        if (head.hasBody()) {
            closeAfter = true;
            unreadInput = true;
        }
        answer(status, body, strictTransport, location, false);
    }

    private void sendContinue() {
        writer().write(CONTINUE, 0, CONTINUE.length);
    }

    /**
     * What the hash policy may hash: the client's address (behind a trusted proxy, the one it forwarded for), and its
     * headers and cookies, looked up only when the upstream hashes on one.
     */
    private RequestKey requestKey() {
        return new RequestKey(clientAddress == null ? null : clientIp(), head::header, head::cookie);
    }

    /** The client's address; behind a trusted proxy, the one it forwarded for. */
    private String clientIp() {
        if (clientAddress == null) {
            return client.address();
        }
        String forwardedFor = head.forwarding(RequestHead.X_FORWARDED_FOR_VALUE);
        return shared.trustedProxies().clientOf(clientAddress,
                forwardedFor == null ? List.of() : Arrays.asList(forwardedFor.split(",", -1)));
    }

    /**
     * Reads the next request's head into {@link #head}, waiting for its bytes: up to the keep-alive timeout for the
     * first of them on a kept-alive connection, then up to the header timeout for all of it (on a new connection,
     * counted from its start). Null when the client closed the connection instead.
     */
    private RequestHead.Parse readHead(boolean first) {
        try {
            if (reader.available() == 0) {
                if (!first) {
                    watch.readBy(System.nanoTime() + keepAliveNanos, "next request on a kept-alive connection");
                }
                watch.waitingForRequest(true);
                reader.ensureAvailable();
                watch.waitingForRequest(false);
            }
            if (!first) {
                watch.readBy(System.nanoTime() + headerNanos, "whole request head");
            }
            return head.readFrom(reader);
        } catch (DataReader.InsufficientDataAvailableException e) {
            return null;
        } finally {
            watch.notReading();
        }
    }

    @Override
    public Duration idleTime() {
        // the deadlines end idle connections; Helidon's idle sweep is not needed here
        return Duration.ZERO;
    }

    @Override
    public void close(boolean interrupt) {
        canRun = false;
        ServerConnection relay = upgraded;
        if (relay != null) {
            relay.close(interrupt);
            return;
        }
        Thread running = thread;
        // as Helidon's: a request in progress finishes unless told otherwise; one awaited is given up at once
        if (running != null && (interrupt || waitingForRequest)) {
            running.interrupt();
        }
    }

    /** The request just read, answered on this connection as bytes. */
    private final class Exchange implements ClientExchange {
        private final ResolvedRoute route;
        private final String host;
        private final RequestBody body;
        private final Header strictTransport;

        public Exchange(ResolvedRoute route, String host, RequestBody body, Header strictTransport) {
            this.route = route;
            this.host = host;
            this.body = body;
            this.strictTransport = strictTransport;
        }

        @Override
        public Method method() {
            return head.method();
        }

        @Override
        public ExchangeRecord record() {
            return current;
        }

        @Override
        public String describe() {
            return head.method().text() + " " + head.rawPath();
        }

        @Override
        public String upstreamTarget(ResolvedRoute route, Target target) {
            String path = route.upstreamPath(target, head.rawPath());
            String query = head.rawQuery();
            return query.isEmpty() ? path : path + query;
        }

        @Override
        public UpstreamCall.HeaderLines headerLines(ResolvedRoute route, Target target) {
            HeaderRules.Forwarding forwarding = client.forwarding(route, target, host);
            return out -> {
                head.writeEndToEnd(out);
                HeaderRules.writeForwarding(out, forwarding,
                        head.forwarding(RequestHead.X_FORWARDED_FOR_VALUE),
                        head.forwarding(RequestHead.X_FORWARDED_PROTO_VALUE),
                        head.forwarding(RequestHead.X_FORWARDED_HOST_VALUE),
                        head.forwarding(RequestHead.VIA_VALUE), ids);
            };
        }

        @Override
        public RequestBody body() {
            return body;
        }

        @Override
        public ResponseRelay.Ending relay(ResolvedRoute route, Target target,
                                          UpstreamCall.Reply.Answered answered) {
            UnaryOperator<String> rewriteLocation = location -> host == null ? location
                    : route.rewriteLocation(location, target, client.scheme(), host);
            boolean http10 = head.http10();
            if (!canRun) {
                // Portico is stopping: this is the connection's last response
                closeAfter = true;
            }
            UpstreamResponse.BodyFraming framing = answered.response().body();
            if (unfinished() || (http10 && (framing == UpstreamResponse.BodyFraming.CHUNKED
                    || framing == UpstreamResponse.BodyFraming.UNTIL_CLOSED))) {
                // an HTTP/1.0 client cannot read chunks: its body ends with the connection
                closeAfter = true;
            }
            return ResponseRelay.toHttp1(answered.response(), answered.connection(), Http1Connection.this::writer,
                    closeAfter, http10, new ResponseHeaders.Changes(rewriteLocation, strictTransport,
                            route.route().hsts().isPresent(), ids.requestId()), current);
        }

        @Override
        public void reply(Status status, String text) {
            if (unfinished()) {
                closeAfter = true;
            }
            // the route's HSTS policy covers Portico's own replies too, as on the HTTP/2 path
            answer(status, text.getBytes(StandardCharsets.UTF_8), strictTransport, null, false);
        }

        private boolean unfinished() {
            return body != null && !body.complete();
        }
    }

    /**
     * One of Portico's own replies: text/plain, Server, Date, the route's HSTS header when it has one over TLS, a
     * Location for a redirect, keep-alive unless the connection ends; the body's length but not the body in answer to
     * HEAD (unless {@code refusal}: a refused request's method is not known).
     */
    private void answer(Status status, byte[] body, Header strictTransport, String location, boolean refusal) {
        if (!canRun) {
            closeAfter = true;
        }
        HeadWriter out = new HeadWriter(256 + body.length);
        out.write(HTTP_1_1).writeDecimal(status.code()).write(' ').writeLatin1(status.reasonPhrase()).crlf()
                .write(TEXT_PLAIN).write(SERVER).write(DATE).write(DateTime.http1Bytes());
        if (strictTransport != null) {
            out.write(strictTransport.headerName().nameBytes()).write(':').write(' ')
                    .writeLatin1(strictTransport.get()).crlf();
        }
        if (location != null) {
            out.write(LOCATION).writeLatin1(location).crlf();
        }
        if (ids != null) {
            out.write(X_REQUEST_ID).writeLatin1(ids.requestId()).crlf();
        }
        out.write(CONTENT_LENGTH).writeDecimal(body.length).crlf().write(closeAfter ? CLOSE : KEEP_ALIVE);
        boolean withBody = refusal || head.method() != Method.HEAD;
        if (withBody) {
            out.write(body);
        }
        if (current != null) {
            current.status(status.code());
            current.addBytesOut(withBody ? body.length : 0);
        }
        writer().write(out.array(), 0, out.length());
    }

    private ClientWriter writer() {
        if (writer == null) {
            writer = ClientWriter.of(ctx);
        }
        return writer;
    }

    /** How long a refused request's bytes are read and dropped at most, and the longest silence in between. */
    private static final Duration LINGER = Duration.ofSeconds(2);
    private static final Duration LINGER_GAP = Duration.ofMillis(250);
    private static final long MAX_LINGER_BYTES = 1024 * 1024;
    private static final byte[] CONTINUE = ascii("HTTP/1.1 100 Continue\r\n\r\n");
    private static final byte[] HTTP_1_1 = ascii("HTTP/1.1 ");
    private static final byte[] TEXT_PLAIN = ascii("Content-Type: text/plain; charset=UTF-8\r\n");
    private static final byte[] SERVER = ascii("Server: portico\r\n");
    private static final byte[] DATE = ascii("Date: ");
    private static final byte[] LOCATION = ascii("Location: ");
    private static final byte[] X_REQUEST_ID = ascii("X-Request-Id: ");
    private static final byte[] CONTENT_LENGTH = ascii("Content-Length: ");
    private static final byte[] KEEP_ALIVE = ascii("Connection: keep-alive\r\n\r\n");
    private static final byte[] CLOSE = ascii("Connection: close\r\n\r\n");

    private static byte[] ascii(String text) {
        return text.getBytes(StandardCharsets.US_ASCII);
    }
}
