package dev.portico.http;

import dev.portico.domain.balancing.RequestKey;
import dev.portico.domain.model.ResolvedRoute;
import dev.portico.domain.model.Target;

import io.helidon.common.buffers.BufferData;
import io.helidon.common.buffers.DataReader;
import io.helidon.common.concurrency.limits.Limit;
import io.helidon.common.concurrency.limits.LimitAlgorithm;
import io.helidon.http.DateTime;
import io.helidon.http.Header;
import io.helidon.http.Method;
import io.helidon.http.Status;
import io.helidon.webserver.CloseConnectionException;
import io.helidon.webserver.ConnectionContext;
import io.helidon.webserver.spi.ServerConnection;
import io.helidon.webserver.spi.ServerConnectionSelector;

import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Set;
import java.util.function.UnaryOperator;

/**
 * Portico's own reader of HTTP/1.1 requests on the proxy listeners, in front of Helidon's. Helidon's connection reads
 * every request into its objects (prologue, URI, headers as Strings, Host validated by regular expression, routing,
 * request and response), which costs more per request than everything Portico does for a small response
 * (bench/NOTES.md). This one reads the head where it lies ({@link RequestHead}) and forwards it with
 * {@link ProxyHandler#forward}, the same loop Helidon's path uses, answering as bytes ({@link ResponseRelay}).
 *
 * <p>It takes only what it is sure of: a request without a body, upgrade or expectation, with a well-formed Host, that
 * is forwarded or answered with a 404 (no route) or 400 (a dot segment), not redirected to HTTPS nor balanced by a
 * hash of the request. At the first request that is anything else
 * the connection is handed, with that request unread, to Helidon's HTTP/1.1 connection for the rest of its life, so
 * Helidon's limits, validation, error answers, 100-continue, body framing and upgrades apply exactly as before.
 * HTTP/2 never comes here: h2 is chosen by ALPN, and h2c's preface is not an HTTP/1.1 request line.
 */
final class Http1Fast implements ServerConnectionSelector {
    private final ServerConnectionSelector helidon;
    private final ProxyHandler proxy;
    private final HttpsPolicy https;
    private final ProxySettings.TrustedProxies trustedProxies;
    private final int maxPrologue;
    private final int maxHead;

    /**
     * @param helidon    Helidon's HTTP/1.1 selector for the same listener, which gets every connection this one hands
     *                   over
     * @param maxPrologue the listener's longest request line
     * @param maxHeaders the listener's largest header section
     */
    Http1Fast(ServerConnectionSelector helidon, ProxyHandler proxy, HttpsPolicy https,
              ProxySettings.TrustedProxies trustedProxies, int maxPrologue, int maxHeaders) {
        this.helidon = helidon;
        this.proxy = proxy;
        this.https = https;
        this.trustedProxies = trustedProxies;
        this.maxPrologue = maxPrologue;
        this.maxHead = maxPrologue + maxHeaders;
    }

    @Override
    public int bytesToIdentifyConnection() {
        return helidon.bytesToIdentifyConnection();
    }

    @Override
    public Support supports(BufferData data) {
        return helidon.supports(data);
    }

    @Override
    public Set<String> supportedApplicationProtocols() {
        return helidon.supportedApplicationProtocols();
    }

    @Override
    public ServerConnection connection(ConnectionContext ctx) {
        // with the PROXY protocol, Helidon adds the client's address to the headers: its connection does that
        return ctx.proxyProtocolData().isPresent() ? helidon.connection(ctx) : new Connection(ctx);
    }

    /** One client connection: requests taken here until the first that is not, then Helidon's connection. */
    private final class Connection implements ServerConnection {
        private final ConnectionContext ctx;
        private final DataReader reader;
        private final RequestHead head = new RequestHead(maxPrologue, maxHead);
        private final boolean secure;
        private final HeaderRules.Client client;
        private ClientWriter writer;

        private volatile Thread thread;
        private volatile boolean canRun = true;
        private volatile boolean waitingForRequest;
        private volatile long lastRequest = System.nanoTime();
        private volatile ServerConnection handedOver;

        Connection(ConnectionContext ctx) {
            this.ctx = ctx;
            this.reader = ctx.dataReader();
            this.secure = ctx.isSecure();
            this.client = HeaderRules.Client.of(
                    ctx.remotePeer().address() instanceof InetSocketAddress inet ? inet.getAddress() : null, secure,
                    trustedProxies);
        }

        @Override
        public void handle(Limit limit) throws InterruptedException {
            thread = Thread.currentThread();
            while (canRun) {
                waitingForRequest = true;
                RequestHead.Parse parse = readHead();
                waitingForRequest = false;
                ProxyHandler.FastPath path = parse == RequestHead.Parse.COMPLETE
                        ? proxy.fastPath(head.host(), head.rawPath(), secure) : ProxyHandler.FastPath.Helidon.INSTANCE;
                LimitAlgorithm.Outcome outcome = path == ProxyHandler.FastPath.Helidon.INSTANCE ? null
                        : limit.tryAcquireOutcome(true);
                if (!(outcome instanceof LimitAlgorithm.Outcome.Accepted accepted)) {
                    // Helidon's connection reads this request again from its first byte, and handles it and what
                    // follows as it always did (a body, an upgrade, a 400 or 431, a 308 to HTTPS, 503 over the limit)
                    handOver(limit);
                    return;
                }
                lastRequest = System.nanoTime();
                reader.skip(head.length());
                LimitAlgorithm.Token permit = accepted.token();
                try {
                    switch (path) {
                        case ProxyHandler.FastPath.Forward(ResolvedRoute route) ->
                                proxy.forward(route, new Exchange(route), RequestKey.NONE);
                        case ProxyHandler.FastPath.Answer(Status status, byte[] body) -> answer(status, body, null);
                        case ProxyHandler.FastPath.Helidon ignored -> throw new IllegalStateException("handed over");
                    }
                    permit.success();
                } catch (Throwable e) {
                    permit.dropped();
                    throw e;
                }
                lastRequest = System.nanoTime();
                if (head.close()) {
                    throw new CloseConnectionException("the client asked for Connection: close");
                }
            }
        }

        /**
         * Copies the next request's head out of the reader without consuming it (Helidon's connection may need it),
         * waiting for more bytes while it is incomplete.
         */
        private RequestHead.Parse readHead() {
            try {
                reader.ensureAvailable();
                while (true) {
                    int available = Math.min(reader.available(), maxHead);
                    head.clear();
                    BufferData data = reader.getBuffer(available);
                    byte[] room = head.room(available);
                    int copied = 0;
                    while (copied < available) {
                        int read = data.read(room, copied, available - copied);
                        if (read <= 0) {
                            break;
                        }
                        copied += read;
                    }
                    head.added(copied);
                    RequestHead.Parse parse = head.parse();
                    if (parse != RequestHead.Parse.INCOMPLETE) {
                        return parse;
                    }
                    reader.pullData();
                }
            } catch (DataReader.InsufficientDataAvailableException e) {
                throw new CloseConnectionException("No more data available", e);
            }
        }

        private void handOver(Limit limit) throws InterruptedException {
            ServerConnection connection = helidon.connection(ctx);
            handedOver = connection;
            if (!canRun) {
                connection.close(true);
                return;
            }
            connection.handle(limit);
        }

        @Override
        public Duration idleTime() {
            ServerConnection connection = handedOver;
            return connection != null ? connection.idleTime() : Duration.ofNanos(System.nanoTime() - lastRequest);
        }

        @Override
        public void close(boolean interrupt) {
            canRun = false;
            ServerConnection connection = handedOver;
            if (connection != null) {
                connection.close(interrupt);
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

            Exchange(ResolvedRoute route) {
                this.route = route;
                this.host = head.host();
            }

            @Override
            public Method method() {
                return head.method();
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
                            head.forwarding(RequestHead.VIA_VALUE));
                };
            }

            @Override
            public RequestBody body() {
                return null;
            }

            @Override
            public ResponseRelay.Ending relay(ResolvedRoute route, Target target,
                                              UpstreamCall.Reply.Answered answered) {
                UnaryOperator<String> rewriteLocation = location -> route.rewriteLocation(location, target,
                        client.scheme(), host);
                return ResponseRelay.toHttp1(answered.response(), answered.connection(), Connection.this::writer,
                        head.close(),
                        new ResponseRelay.Changes(rewriteLocation, https.strictTransport(route, secure),
                                route.route().hsts().isPresent()));
            }

            @Override
            public void reply(Status status, String text) {
                // the route's HSTS policy covers Portico's own replies too, as on Helidon's path
                answer(status, text.getBytes(StandardCharsets.UTF_8), https.strictTransport(route, secure));
            }
        }

        /**
         * One of Portico's own replies, as Helidon's response writes them ({@link ErrorReplies}): text/plain, Server,
         * Date, the route's HSTS header when it has one over TLS, keep-alive unless the client asked to close; the
         * body's length but not the body in answer to HEAD.
         */
        private void answer(Status status, byte[] body, Header strictTransport) {
            HeadWriter out = new HeadWriter(256 + body.length);
            out.write(HTTP_1_1).writeDecimal(status.code()).write(' ').writeLatin1(status.reasonPhrase()).crlf()
                    .write(TEXT_PLAIN).write(SERVER).write(DATE).write(DateTime.http1Bytes());
            if (strictTransport != null) {
                out.write(strictTransport.headerName().nameBytes()).write(':').write(' ')
                        .writeLatin1(strictTransport.get()).crlf();
            }
            out.write(CONTENT_LENGTH).writeDecimal(body.length).crlf().write(head.close() ? CLOSE : KEEP_ALIVE);
            if (head.method() != Method.HEAD) {
                out.write(body);
            }
            writer().write(out.array(), 0, out.length());
        }

        private ClientWriter writer() {
            if (writer == null) {
                writer = ClientWriter.of(ctx);
            }
            return writer;
        }
    }

    private static final byte[] HTTP_1_1 = ascii("HTTP/1.1 ");
    private static final byte[] TEXT_PLAIN = ascii("Content-Type: text/plain; charset=UTF-8\r\n");
    private static final byte[] SERVER = ascii("Server: portico\r\n");
    private static final byte[] DATE = ascii("Date: ");
    private static final byte[] CONTENT_LENGTH = ascii("Content-Length: ");
    private static final byte[] KEEP_ALIVE = ascii("Connection: keep-alive\r\n\r\n");
    private static final byte[] CLOSE = ascii("Connection: close\r\n\r\n");

    private static byte[] ascii(String text) {
        return text.getBytes(StandardCharsets.US_ASCII);
    }
}
