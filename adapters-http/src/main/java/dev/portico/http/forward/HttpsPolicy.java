package dev.portico.http.forward;

import dev.portico.domain.model.Hsts;
import dev.portico.domain.model.Route;
import dev.portico.domain.routing.ResolvedRoute;

import io.helidon.http.Header;
import io.helidon.http.HeaderName;
import io.helidon.http.HeaderNames;
import io.helidon.http.HeaderValues;
import io.helidon.http.HttpPrologue;
import io.helidon.webserver.http.ServerRequest;
import io.helidon.webserver.http.ServerResponse;

import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;

/**
 * A route's HTTPS settings on the data plane: plain-HTTP requests to a route that wants HTTPS get a 308 to the same
 * URL on the HTTPS listener, and responses over TLS carry the route's Strict-Transport-Security header.
 */
public final class HttpsPolicy {
    /**
     * ACME http-01 challenges are answered over plain HTTP by design (RFC 8555, 8.3), so they are forwarded even on a
     * route that redirects: certbot's webroot and standalone renewals keep working behind Portico, as behind Caddy
     * and Traefik.
     */
    public static final String ACME_CHALLENGE_PREFIX = "/.well-known/acme-challenge/";
    public static final HeaderName STRICT_TRANSPORT_SECURITY = HeaderNames.STRICT_TRANSPORT_SECURITY;
    /** Bounds the cache of header values; a table holds far fewer distinct HSTS policies than this. */
    private static final int MAX_CACHED_POLICIES = 1024;

    private final int httpsPort;
    /** The header of each policy, built once: the hot path only looks it up. */
    private final Map<Hsts, Header> headers = new ConcurrentHashMap<>();

    public HttpsPolicy(int httpsPort) {
        this.httpsPort = httpsPort;
    }

    /**
     * Applies the route's HTTPS settings to a request about to be forwarded.
     *
     * @param host the request's Host header, null when it sent none
     * @return true when the request was answered here (a redirect to HTTPS) and must not be forwarded
     */
    public boolean answered(ResolvedRoute resolved, ServerRequest request, ServerResponse response, String host) {
        Route route = resolved.route();
        boolean secure = request.isSecure();
        if (redirects(resolved, secure, request.prologue().uriPath().rawPath())) {
            redirect(request, response, host);
            return true;
        }
        Optional<Hsts> hsts = route.hsts();
        if (hsts.isPresent()) {
            if (secure) {
                Header header = header(hsts.get());
                // run when the response's headers are final, after the upstream's were copied: the route's policy
                // replaces any the upstream sent
                response.beforeSend(() -> response.headers().set(header));
            } else {
                // RFC 6797, 7.2: never over plain HTTP. The route owns the policy, so the upstream's goes too.
                response.beforeSend(() -> response.headers().remove(STRICT_TRANSPORT_SECURITY));
            }
        }
        return false;
    }

    /** Whether a request to this path is answered with a redirect to HTTPS rather than forwarded. */
    public static boolean redirects(ResolvedRoute resolved, boolean secure, String rawPath) {
        return !secure && resolved.route().redirectToHttps() && !rawPath.startsWith(ACME_CHALLENGE_PREFIX);
    }

    /**
     * The route's Strict-Transport-Security header for a response Portico writes itself as bytes, where the hooks
     * {@link #answered} registers do not run: over TLS, null over plain HTTP or when the route has no policy.
     */
    public Header strictTransport(ResolvedRoute resolved, boolean secure) {
        Optional<Hsts> hsts = resolved.route().hsts();
        return secure && hsts.isPresent() ? header(hsts.get()) : null;
    }

    private void redirect(ServerRequest request, ServerResponse response, String host) {
        if (host == null || host.isEmpty()) {
            ErrorReplies.noHostToRedirect(response);
            return;
        }
        HttpPrologue prologue = request.prologue();
        ErrorReplies.redirectToHttps(response, location(host, prologue.uriPath().rawPath(),
                prologue.hasQuery() ? "?" + prologue.query().rawValue() : ""));
    }

    /**
     * {@code https://host[:port]/raw/path?raw=query}: the client's bytes exactly, on the HTTPS port.
     *
     * @param rawQuery the query as sent, '?' included, or empty
     */
    public String location(String host, String rawPath, String rawQuery) {
        StringBuilder location = new StringBuilder(64).append("https://").append(hostWithoutPort(host));
        if (httpsPort != 443) {
            location.append(':').append(httpsPort);
        }
        return location.append(rawPath).append(rawQuery).toString();
    }

    /** {@code example.com:8080} -> {@code example.com}; {@code [::1]:8080} -> {@code [::1]}. */
    public static String hostWithoutPort(String host) {
        int colon = host.lastIndexOf(':');
        if (colon < 0 || colon < host.lastIndexOf(']')) {
            return host;
        }
        return host.substring(0, colon);
    }

    private Header header(Hsts hsts) {
        Header header = headers.get(hsts);
        if (header == null) {
            header = HeaderValues.createCached(STRICT_TRANSPORT_SECURITY, hsts.headerValue());
            if (headers.size() < MAX_CACHED_POLICIES) {
                headers.putIfAbsent(hsts, header);
            }
        }
        return header;
    }
}
