package dev.portico.http;

import io.helidon.common.buffers.BufferData;
import io.helidon.http.Header;
import io.helidon.http.HeaderName;
import io.helidon.http.HeaderNames;
import io.helidon.http.HeaderValues;
import io.helidon.http.Headers;
import io.helidon.http.WritableHeaders;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.function.UnaryOperator;

/**
 * Which headers cross the proxy, in each direction, and the ones Portico writes itself. Hop-by-hop headers
 * (RFC 9110, 7.6.1) describe one connection, so they are dropped both ways together with every header the
 * Connection header names; the exchange with the upstream and the webserver write their own framing and connection
 * headers.
 */
final class HeaderRules {
    static final Header SERVER = HeaderValues.createCached(HeaderNames.SERVER, "portico");
    static final String VIA = "1.1 portico";

    private static final byte[] CRLF = {'\r', '\n'};
    private static final byte[] HOST = ascii("Host: ");
    private static final byte[] X_FORWARDED_FOR = ascii("X-Forwarded-For: ");
    private static final byte[] X_FORWARDED_PROTO = ascii("X-Forwarded-Proto: ");
    private static final byte[] X_FORWARDED_HOST = ascii("X-Forwarded-Host: ");
    private static final byte[] VIA_NAME = ascii("Via: ");
    private static final byte[] VIA_LINE = ascii("Via: " + VIA + "\r\n");

    /** Lower-case names; Transfer-Encoding is among them, and each side re-frames the body itself. */
    private static final Set<String> HOP_BY_HOP = Set.of("connection", "keep-alive", "proxy-authorization",
            "proxy-authenticate", "proxy-connection", "te", "trailer", "transfer-encoding", "upgrade");

    private static final Set<String> SET_BY_PORTICO_UPSTREAM = Set.of(
            "host",
            // the exchange frames the body it sends (UpstreamExchange), with the client's length when it sent one
            "content-length",
            // Portico answers Expect: 100-continue itself, when the handler starts reading the body
            "expect",
            "x-forwarded-for", "x-forwarded-proto", "x-forwarded-host", "via",
            // set by Helidon from a client certificate; internal to this listener
            "x-helidon-cn");

    private static final Set<String> SET_BY_PORTICO_CLIENT = Set.of("server", "via", "location");

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
    record Forwarding(String upstreamHost, String clientAddress, boolean trustedClient, String scheme,
                      String clientHost) {
    }

    /**
     * Writes the upstream request's header lines: the client's end-to-end headers as the client sent them, byte for
     * byte (the listener validated them; see {@link RequestHeaderBytes}), then Host, X-Forwarded-* and Via. The
     * body's framing headers are the caller's.
     */
    static void writeToUpstream(Headers client, BufferData out, Forwarding forwarding) {
        List<String> connectionNamed = connectionTokens(client);
        for (Header header : client) {
            String name = header.headerName().lowerCase();
            if (!HOP_BY_HOP.contains(name) && !SET_BY_PORTICO_UPSTREAM.contains(name)
                    && !connectionNamed.contains(name)) {
                RequestHeaderBytes.write(header, out);
            }
        }
        line(out, HOST, forwarding.upstreamHost());

        String forwardedFor = forwarding.clientAddress();
        String proto = forwarding.scheme();
        String host = forwarding.clientHost();
        if (forwarding.trustedClient()) {
            String theirs = joined(client, HeaderNames.X_FORWARDED_FOR);
            if (theirs != null) {
                forwardedFor = theirs + ", " + forwarding.clientAddress();
            }
            proto = firstOr(client, HeaderNames.X_FORWARDED_PROTO, proto);
            host = firstOr(client, HeaderNames.X_FORWARDED_HOST, host);
        }
        line(out, X_FORWARDED_FOR, forwardedFor);
        line(out, X_FORWARDED_PROTO, proto);
        if (host != null) {
            line(out, X_FORWARDED_HOST, host);
        }
        String earlierVia = joined(client, HeaderNames.VIA);
        if (earlierVia == null) {
            out.write(VIA_LINE);
        } else {
            line(out, VIA_NAME, earlierVia + ", " + VIA);
        }
    }

    private static void line(BufferData out, byte[] nameAndColon, String value) {
        out.write(nameAndColon);
        out.writeAscii(value);
        out.write(CRLF);
    }

    /**
     * Copies the upstream's end-to-end response headers to the client, repeated ones as repeated lines, replaces
     * Server with Portico's (as nginx does), appends to Via and passes Location through {@code rewriteLocation}.
     */
    static void toClient(Headers upstream, WritableHeaders<?> client, UnaryOperator<String> rewriteLocation) {
        List<String> connectionNamed = connectionTokens(upstream);
        for (Header header : upstream) {
            String name = header.headerName().lowerCase();
            if (!HOP_BY_HOP.contains(name) && !SET_BY_PORTICO_CLIENT.contains(name)
                    && !connectionNamed.contains(name)) {
                client.set(header);
            }
        }
        client.set(SERVER);
        client.set(via(upstream));
        if (upstream.contains(HeaderNames.LOCATION)) {
            client.set(HeaderValues.create(HeaderNames.LOCATION,
                    rewriteLocation.apply(upstream.get(HeaderNames.LOCATION).get())));
        }
    }

    private static byte[] ascii(String text) {
        return text.getBytes(StandardCharsets.US_ASCII);
    }

    private static Header via(Headers received) {
        String earlier = joined(received, HeaderNames.VIA);
        return HeaderValues.create(HeaderNames.VIA, earlier == null ? VIA : earlier + ", " + VIA);
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
    static List<String> forwardedFor(Headers client) {
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
