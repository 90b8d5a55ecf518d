package dev.portico.http.forward;

import dev.portico.domain.model.Target;
import dev.portico.domain.routing.ResolvedRoute;
import dev.portico.http.observe.Correlation;
import dev.portico.http.wire.HeadWriter;
import dev.portico.http.wire.IpLiteral;
import dev.portico.http.wire.RequestHeaderBytes;
import dev.portico.http.wire.TrustedProxies;

import io.helidon.http.Header;
import io.helidon.http.HeaderName;
import io.helidon.http.HeaderNames;
import io.helidon.http.HeaderValues;
import io.helidon.http.Headers;

import java.net.InetAddress;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;

/**
 * Which headers cross the proxy, in each direction, and the ones Portico writes itself. Hop-by-hop headers
 * (RFC 9110, 7.6.1) describe one connection, so they are dropped both ways together with every header the
 * Connection header names; the exchange with the upstream and the webserver write their own framing and connection
 * headers.
 */
public final class HeaderRules {
    public static final Header SERVER = HeaderValues.createCached(HeaderNames.SERVER, "portico");
    public static final String VIA = "1.1 portico";

    private static final byte[] HOST = ascii("Host: ");
    private static final byte[] X_FORWARDED_FOR = ascii("X-Forwarded-For: ");
    private static final byte[] X_FORWARDED_PROTO = ascii("X-Forwarded-Proto: ");
    private static final byte[] X_FORWARDED_HOST = ascii("X-Forwarded-Host: ");
    private static final byte[] VIA_NAME = ascii("Via: ");
    private static final byte[] VIA_LINE = ascii("Via: " + VIA + "\r\n");
    private static final byte[] X_REQUEST_ID_LINE = ascii("X-Request-Id: ");
    private static final byte[] TRACEPARENT_LINE = ascii("traceparent: ");
    private static final byte[] TRACESTATE_LINE = ascii("tracestate: ");
    public static final HeaderName X_REQUEST_ID = HeaderNames.create("X-Request-Id");
    public static final HeaderName TRACEPARENT = HeaderNames.create("traceparent");
    public static final HeaderName TRACESTATE = HeaderNames.create("tracestate");

    /**
     * The client's headers that do not cross to the upstream as they came, by Helidon's index of the known names:
     * hop-by-hop ones (RFC 9110, 7.6.1; Transfer-Encoding among them, as each side re-frames the body itself) and the
     * ones Portico writes itself: Host, the body's Content-Length (the exchange frames the body it sends, with the
     * client's length when it sent one), Expect (Portico answers 100-continue itself, when the handler starts reading
     * the body), X-Forwarded-*, Via, and Helidon's own X-Helidon-Cn (set from a client certificate, internal to this
     * listener). Keep-Alive and Proxy-Connection, hop-by-hop too, have no index, nor have X-Request-Id and the trace
     * context, which Portico writes itself: see {@link #notForwarded}.
     */
    private static final boolean[] NOT_FORWARDED = new boolean[256];

    static {
        for (HeaderName name : List.of(HeaderNames.CONNECTION, HeaderNames.PROXY_AUTHENTICATE,
                HeaderNames.PROXY_AUTHORIZATION, HeaderNames.TE, HeaderNames.TRAILER, HeaderNames.TRANSFER_ENCODING,
                HeaderNames.UPGRADE, HeaderNames.HOST, HeaderNames.CONTENT_LENGTH, HeaderNames.EXPECT,
                HeaderNames.X_FORWARDED_FOR, HeaderNames.X_FORWARDED_PROTO, HeaderNames.X_FORWARDED_HOST,
                HeaderNames.VIA, HeaderNames.X_HELIDON_CN)) {
            NOT_FORWARDED[name.index()] = true;
        }
    }

    private HeaderRules() {
    }

    /**
     * What the upstream is told about the original request.
     *
     * @param upstreamHost the Host the upstream sees: its own authority, or the client's Host when preserved
     * @param clientAddress the client's IP address as X-Forwarded-For writes it
     * @param trustedClient whether the client is a trusted proxy whose X-Forwarded-* headers are kept
     * @param scheme        http or https, as the client reached Portico
     * @param clientHost    the Host header the client sent
     */
    public record Forwarding(String upstreamHost, String clientAddress, boolean trustedClient, String scheme,
                      String clientHost) {
    }

    /**
     * Who sent a request, as the forwarding tells the upstream; the same for every request on a connection.
     *
     * @param address the client's IP address as X-Forwarded-For writes it ("unknown" when it has none)
     * @param trusted whether the client is a trusted proxy whose X-Forwarded-* headers are kept
     * @param scheme  http or https, as the client reached Portico
     */
    public record Client(String address, boolean trusted, String scheme) {
        public static Client of(InetAddress address, boolean secure, TrustedProxies trustedProxies) {
            return new Client(address == null ? "unknown" : IpLiteral.format(address),
                    address != null && trustedProxies.contains(address), secure ? "https" : "http");
        }

        /** What the target of a route is told about a request with this Host (null when it sent none). */
        public Forwarding forwarding(ResolvedRoute route, Target target, String host) {
            return new Forwarding(route.route().preserveHost() && host != null ? host : target.authority(), address,
                    trusted, scheme, host);
        }
    }

    /**
     * Writes the upstream request's header lines: the client's end-to-end headers as the client sent them, byte for
     * byte (the listener validated them; see {@link RequestHeaderBytes}), then Host, X-Forwarded-* and Via. The
     * body's framing headers are the caller's.
     */
    public static void writeToUpstream(Headers client, HeadWriter out, Forwarding forwarding, Correlation ids) {
        List<String> connectionNamed = connectionTokens(client);
        for (Header header : client) {
            if (!notForwarded(header.headerName(), connectionNamed)) {
                RequestHeaderBytes.write(header, out);
            }
        }
        writeForwarding(out, forwarding, joined(client, HeaderNames.X_FORWARDED_FOR),
                firstOr(client, HeaderNames.X_FORWARDED_PROTO, null), firstOr(client, HeaderNames.X_FORWARDED_HOST, null),
                joined(client, HeaderNames.VIA), ids);
    }

    /** The correlation of a request Helidon read: its X-Request-Id and trace context as the client sent them. */
    public static Correlation correlation(Headers client, boolean trusted, boolean startTraces) {
        return Correlation.of(joined(client, X_REQUEST_ID), trusted, joined(client, TRACEPARENT),
                joined(client, TRACESTATE), startTraces);
    }

    /**
     * Writes Host, X-Forwarded-*, Via, X-Request-Id and the trace context, after the client's end-to-end lines; the
     * client's own X-Forwarded-* values (null when it sent none) are kept only from a trusted proxy, and an earlier
     * Via is always kept, with Portico's hop appended.
     */
    public static void writeForwarding(HeadWriter out, Forwarding forwarding, String theirFor, String theirProto,
                                String theirHost, String earlierVia, Correlation ids) {
        line(out, HOST, forwarding.upstreamHost());

        String forwardedFor = forwarding.clientAddress();
        String proto = forwarding.scheme();
        String host = forwarding.clientHost();
        if (forwarding.trustedClient()) {
            if (theirFor != null) {
                forwardedFor = theirFor + ", " + forwarding.clientAddress();
            }
            if (theirProto != null) {
                proto = theirProto;
            }
            if (theirHost != null) {
                host = theirHost;
            }
        }
        line(out, X_FORWARDED_FOR, forwardedFor);
        line(out, X_FORWARDED_PROTO, proto);
        if (host != null) {
            line(out, X_FORWARDED_HOST, host);
        }
        if (earlierVia == null) {
            out.write(VIA_LINE);
        } else {
            line(out, VIA_NAME, earlierVia + ", " + VIA);
        }
        line(out, X_REQUEST_ID_LINE, ids.requestId());
        if (ids.traceparent() != null) {
            line(out, TRACEPARENT_LINE, ids.traceparent());
            if (ids.tracestate() != null) {
                line(out, TRACESTATE_LINE, ids.tracestate());
            }
        }
    }

    private static boolean notForwarded(HeaderName name, List<String> connectionNamed) {
        int index = name.index();
        if (index >= 0) {
            return NOT_FORWARDED[index] || (!connectionNamed.isEmpty() && connectionNamed.contains(name.lowerCase()));
        }
        String lowerCase = name.lowerCase();
        return lowerCase.equals("keep-alive") || lowerCase.equals("proxy-connection")
                || lowerCase.equals("x-request-id") || lowerCase.equals("traceparent") || lowerCase.equals("tracestate")
                || (!connectionNamed.isEmpty() && connectionNamed.contains(lowerCase));
    }

    private static void line(HeadWriter out, byte[] nameAndColon, String value) {
        out.write(nameAndColon).writeLatin1(value).crlf();
    }

    private static byte[] ascii(String text) {
        return text.getBytes(StandardCharsets.US_ASCII);
    }

    /** Lower-case header names listed in Connection; almost always none, so no collection is built for them. */
    private static List<String> connectionTokens(Headers headers) {
        if (!headers.contains(HeaderNames.CONNECTION)) {
            return List.of();
        }
        List<String> tokens = null;
        for (String value : headers.get(HeaderNames.CONNECTION).allValues()) {
            for (String token : value.split(",")) {
                String name = token.strip().toLowerCase(Locale.ROOT);
                if (!name.isEmpty() && !name.equals("close") && !name.equals("keep-alive")) {
                    if (tokens == null) {
                        tokens = new ArrayList<>(2);
                    }
                    tokens.add(name);
                }
            }
        }
        return tokens == null ? List.of() : tokens;
    }

    /** All values of a header joined as one list value, or null when absent. */
    /** The client's X-Forwarded-For entries in order, one address each, however many lines carried them. */
    public static List<String> forwardedFor(Headers client) {
        if (!client.contains(HeaderNames.X_FORWARDED_FOR)) {
            return List.of();
        }
        List<String> entries = new ArrayList<>();
        for (String value : client.get(HeaderNames.X_FORWARDED_FOR).allValues()) {
            entries.addAll(Arrays.asList(value.split(",", -1)));
        }
        return entries;
    }

    private static String joined(Headers headers, HeaderName name) {
        if (!headers.contains(name)) {
            return null;
        }
        List<String> values = headers.get(name).allValues();
        return values.size() == 1 ? values.getFirst() : String.join(", ", values);
    }

    private static String firstOr(Headers headers, HeaderName name, String fallback) {
        return headers.contains(name) ? headers.get(name).get() : fallback;
    }
}
