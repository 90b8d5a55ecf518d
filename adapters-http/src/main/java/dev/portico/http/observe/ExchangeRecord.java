package dev.portico.http.observe;

import dev.portico.domain.model.Target;
import dev.portico.domain.routing.ResolvedRoute;

/**
 * One exchange between a client and Portico, as the access log and the metrics see it: a proxied request, one of
 * Portico's own answers, or a WebSocket. The reader that read the request starts it, the forwarding loop adds the
 * route, the target and the upstream's timing, and the reader ends it once the answer is written (or cut), telling
 * the {@link ExchangeSink} once. Used by the request's thread only.
 */
public final class ExchangeRecord {
    /** The status of an exchange whose client went away before its answer's head was written (nginx's 499). */
    public static final int CLIENT_CLOSED = 499;

    private final long startedAtMillis;
    private final long startedNanos;
    private final String protocol;
    private String method = "";
    private String host;
    private String target = "";
    private String clientIp;
    private String requestId;
    private String traceId;
    private String userAgent;
    private String referer;
    private String tls;
    private String serverName;
    private String route;
    private String upstream;
    private String targetUrl;
    private int attempts;
    private long upstreamNanos = -1;
    private int status;
    private long bytesIn;
    private long bytesOut;
    private boolean webSocket;
    private boolean cut;
    private long durationNanos = -1;

    /** @param protocol {@code HTTP/1.1}, {@code HTTP/1.0} or {@code HTTP/2.0} */
    public ExchangeRecord(String protocol) {
        this.startedAtMillis = System.currentTimeMillis();
        this.startedNanos = System.nanoTime();
        this.protocol = protocol;
    }

    /** The request as the client sent it: its method, Host (null when none) and target (path and query, raw). */
    public ExchangeRecord request(String method, String host, String target) {
        this.method = method;
        this.host = host;
        this.target = target;
        return this;
    }

    /**
     * Who sent it and how: the client's address (behind trusted proxies, the one they forwarded for), and over TLS its
     * protocol version ({@code TLSv1.3}) and the name the client asked for by SNI (both null on plain HTTP).
     */
    public ExchangeRecord client(String clientIp, String tls, String serverName) {
        this.clientIp = clientIp;
        this.tls = tls;
        this.serverName = serverName;
        return this;
    }

    /** What identifies it: the request id sent on and returned, and the W3C trace id (null when none). */
    public ExchangeRecord ids(String requestId, String traceId) {
        this.requestId = requestId;
        this.traceId = traceId;
        return this;
    }

    /** The User-Agent and Referer the client sent, for the access log (null when absent). */
    public ExchangeRecord agent(String userAgent, String referer) {
        this.userAgent = userAgent;
        this.referer = referer;
        return this;
    }

    /** The route that serves it. */
    public void routed(ResolvedRoute resolved) {
        this.route = resolved.route().name();
        this.upstream = resolved.upstream().name();
    }

    /** An attempt on a target begins. */
    public void attempt(Target target) {
        this.targetUrl = target.url();
        attempts++;
    }

    /** The target's response head arrived now. */
    public void upstreamAnswered() {
        this.upstreamNanos = System.nanoTime() - startedNanos;
    }

    /** The status of the answer the client gets (the upstream's, or Portico's own). */
    public void status(int status) {
        this.status = status;
    }

    public void addBytesIn(long bytes) {
        bytesIn += bytes;
    }

    public void addBytesOut(long bytes) {
        bytesOut += bytes;
    }

    /** A WebSocket: its bytes count both ways, its duration is its life. */
    public void webSocket() {
        this.webSocket = true;
    }

    /** The answer was cut off mid-body (the upstream failed, or the client went away). */
    public void cut() {
        this.cut = true;
    }

    /** Ends the exchange: its duration is fixed now; an exchange without a status lost its client before one. */
    void end() {
        durationNanos = System.nanoTime() - startedNanos;
        if (status == 0) {
            status = CLIENT_CLOSED;
        }
    }

    public boolean ended() {
        return durationNanos >= 0;
    }

    public long startedAtMillis() {
        return startedAtMillis;
    }

    public String protocol() {
        return protocol;
    }

    public String method() {
        return method;
    }

    /** The Host the client sent; null when none. */
    public String host() {
        return host;
    }

    /** The path and query as the client sent them. */
    public String target() {
        return target;
    }

    public String clientIp() {
        return clientIp;
    }

    public String requestId() {
        return requestId;
    }

    public String traceId() {
        return traceId;
    }

    public String userAgent() {
        return userAgent;
    }

    public String referer() {
        return referer;
    }

    /** {@code TLSv1.3 example.com} (protocol and SNI) over TLS; null over plain TCP. */
    /** The TLS protocol version; null on plain HTTP. */
    public String tls() {
        return tls;
    }

    /** The name the client asked for by SNI; null when none or on plain HTTP. */
    public String serverName() {
        return serverName;
    }

    /** The route's name; null when no route served it. */
    public String route() {
        return route;
    }

    /** The upstream's name; null when no route served it. */
    public String upstream() {
        return upstream;
    }

    /** The URL of the last target tried; null when none was. */
    public String targetUrl() {
        return targetUrl;
    }

    public int attempts() {
        return attempts;
    }

    /** Nanoseconds from the start until the upstream's response head arrived; -1 when none did. */
    public long upstreamNanos() {
        return upstreamNanos;
    }

    public int status() {
        return status;
    }

    public long bytesIn() {
        return bytesIn;
    }

    public long bytesOut() {
        return bytesOut;
    }

    public boolean isWebSocket() {
        return webSocket;
    }

    public boolean wasCut() {
        return cut;
    }

    /** Nanoseconds from the start to the end; -1 until it ended. */
    public long durationNanos() {
        return durationNanos;
    }
}
