package dev.portico.domain.model;

import dev.portico.domain.validation.Errors;
import dev.portico.domain.validation.Validated;

import java.net.URI;
import java.net.URISyntaxException;
import java.util.Locale;
import java.util.Objects;

/**
 * One upstream server: where to send requests and how large its share of them is.
 *
 * @param scheme   {@code http} or {@code https}
 * @param host     host name or IP literal (IPv6 in brackets)
 * @param port     TCP port, the scheme's default when the URL names none
 * @param basePath path prefixed to every forwarded path; empty or starting with '/' and not ending with '/'
 * @param weight   share of requests relative to the other targets; 0 sends none
 * @param maxConnections requests this target may serve at once; 0 means no limit. A full target is skipped
 * @param drain    no new requests go to it; those in flight finish (like weight 0, but the weight is kept)
 * @param tls      how an https target's certificate is verified: its upstream's setting, carried here because the data
 *                 plane connects to targets, and so that two upstreams that trust differently never share a
 *                 connection to the same URL
 */
public record Target(String scheme, String host, int port, String basePath, int weight, int maxConnections,
                     boolean drain, UpstreamTls tls) {
    public static final int MAX_WEIGHT = 1000;
    public static final int MAX_CONNECTIONS = 1_000_000;
    public static final int DEFAULT_WEIGHT = 1;
    /** The size of the store's url column (V1 schema). */
    public static final int MAX_URL_LENGTH = 2048;

    public Target {
        Objects.requireNonNull(scheme, "scheme");
        Objects.requireNonNull(host, "host");
        Objects.requireNonNull(basePath, "basePath");
        Objects.requireNonNull(tls, "tls");
        if (!scheme.equals("http") && !scheme.equals("https")) {
            throw new IllegalArgumentException("scheme must be http or https: " + scheme);
        }
        if (host.isEmpty() || port < 1 || port > 65535 || weight < 0 || weight > MAX_WEIGHT) {
            throw new IllegalArgumentException("invalid target " + host + ":" + port + " weight " + weight);
        }
        if (!basePath.isEmpty() && (!basePath.startsWith("/") || basePath.endsWith("/"))) {
            throw new IllegalArgumentException("basePath must be empty or start and not end with '/': " + basePath);
        }
        if (maxConnections < 0 || maxConnections > MAX_CONNECTIONS) {
            throw new IllegalArgumentException("maxConnections out of range: " + maxConnections);
        }
    }

    /** A target without a connection limit that is not draining. */
    public Target(String scheme, String host, int port, String basePath, int weight) {
        this(scheme, host, port, basePath, weight, 0, false);
    }

    /** A target verified against the JDK's trusted CAs when it is https. */
    public Target(String scheme, String host, int port, String basePath, int weight, int maxConnections,
                  boolean drain) {
        this(scheme, host, port, basePath, weight, maxConnections, drain, UpstreamTls.JDK_TRUST);
    }

    /** Whether new requests may go to it: a positive weight and not draining. */
    public boolean acceptsNew() {
        return weight > 0 && !drain;
    }

    /** The same target with a limit on concurrent requests (0: none) and drain flag. */
    public Target withLimits(int maxConnections, boolean drain) {
        return new Target(scheme, host, port, basePath, weight, maxConnections, drain, tls);
    }

    /** The same target verified as {@code tls} says; a plain http target keeps the JDK default, having no certificate. */
    public Target withTls(UpstreamTls tls) {
        UpstreamTls effective = isHttps() ? tls : UpstreamTls.JDK_TRUST;
        return effective.equals(this.tls) ? this
                : new Target(scheme, host, port, basePath, weight, maxConnections, drain, effective);
    }

    public boolean isHttps() {
        return "https".equals(scheme);
    }

    /** Checks a target as an operator wrote it, with its connection limit and drain flag (both optional). */
    public static Validated<Target> parse(String field, String url, Integer weight, Integer maxConnections,
                                          Boolean drain) {
        Errors errors = new Errors();
        int limit = maxConnections == null ? 0 : maxConnections;
        if (limit < 0 || limit > MAX_CONNECTIONS) {
            errors.add(field + ".maxConnections", "must be between 0 (no limit) and " + MAX_CONNECTIONS);
        }
        return switch (parse(field, url, weight)) {
            case Validated.Invalid<Target> invalid -> errors.addAll(invalid.errors()).orValid(() -> null);
            case Validated.Valid<Target> valid ->
                    errors.orValid(() -> valid.value().withLimits(limit, Boolean.TRUE.equals(drain)));
        };
    }

    /** Checks a target as an operator wrote it; {@code field} prefixes the error paths (e.g. {@code targets[0]}). */
    public static Validated<Target> parse(String field, String url, Integer weight) {
        Errors errors = new Errors();
        int w = weight == null ? DEFAULT_WEIGHT : weight;
        if (w < 0 || w > MAX_WEIGHT) {
            errors.add(field + ".weight", "must be between 0 and " + MAX_WEIGHT);
        }
        if (url == null || url.isBlank()) {
            errors.add(field + ".url", "is required");
            return errors.orValid(() -> null);
        }
        URI uri;
        try {
            uri = new URI(url);
        } catch (URISyntaxException e) {
            errors.add(field + ".url", "is not a valid URL: " + e.getReason());
            return errors.orValid(() -> null);
        }
        String scheme = uri.getScheme() == null ? null : uri.getScheme().toLowerCase(Locale.ROOT);
        if (!"http".equals(scheme) && !"https".equals(scheme)) {
            errors.add(field + ".url", "must start with http:// or https://");
        }
        if (uri.getHost() == null) {
            errors.add(field + ".url", hostlessReason(uri));
        }
        if (uri.getRawUserInfo() != null) {
            errors.add(field + ".url", "must not carry user information");
        }
        if (uri.getRawQuery() != null || uri.getRawFragment() != null) {
            errors.add(field + ".url", "must not have a query or fragment");
        }
        int port = uri.getPort();
        if (port == 0 || port > 65535 || (port < 0 && uri.getHost() != null && uri.getRawAuthority().matches(".*:[^\\]]*$"))) {
            errors.add(field + ".url", "has an invalid port; use 1 to 65535");
        }
        if (!errors.isEmpty()) {
            return errors.orValid(() -> null);
        }
        int effectivePort = port > 0 ? port : ("https".equals(scheme) ? 443 : 80);
        String path = uri.getRawPath() == null ? "" : uri.getRawPath();
        while (path.endsWith("/")) {
            path = path.substring(0, path.length() - 1);
        }
        String basePath = path;
        Target target = new Target(scheme, uri.getHost().toLowerCase(Locale.ROOT), effectivePort, basePath, w);
        // The store keeps the URL in a column of this size; refusing here turns a database error into a field error.
        if (target.url().length() > MAX_URL_LENGTH) {
            errors.add(field + ".url", "must be at most " + MAX_URL_LENGTH + " characters");
        }
        return errors.orValid(() -> target);
    }

    /**
     * java.net.URI reports no host both for a bad host name and for a bad port ({@code http://h:abc}), so the
     * authority is checked again without its port to tell the operator which of the two is wrong.
     */
    private static String hostlessReason(URI uri) {
        String authority = uri.getRawAuthority();
        if (authority == null || authority.isEmpty()) {
            return "must name a host, as in http://127.0.0.1:9001";
        }
        int colon = authority.lastIndexOf(':');
        if (colon > authority.lastIndexOf(']')) {
            try {
                if (new URI("http://" + authority.substring(0, colon)).getHost() != null) {
                    return "has an invalid port; use 1 to 65535";
                }
            } catch (URISyntaxException e) {
                // Not a host either: fall through to the host message.
            }
        }
        return "has no valid host name in '" + authority + "': use letters, digits, '-' and '.', or an IP literal";
    }

    /** {@code scheme://host:port}, the form used to recognise the upstream in a Location header. */
    public String origin() {
        return scheme + "://" + host + ":" + port;
    }

    /** The value of the Host header that addresses this target: the port only when it is not the scheme's default. */
    public String authority() {
        return isDefaultPort() ? host : host + ":" + port;
    }

    public boolean isDefaultPort() {
        return port == ("https".equals(scheme) ? 443 : 80);
    }

    /** The URL as Portico shows it back: {@code scheme://host:port/basePath}. */
    public String url() {
        return origin() + basePath;
    }
}
