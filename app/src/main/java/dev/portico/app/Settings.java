package dev.portico.app;

import dev.portico.http.client.ClientLimits;
import dev.portico.http.metrics.ProxyMetrics;
import dev.portico.http.observe.AccessLogFormat;

import java.net.InetAddress;
import java.net.UnknownHostException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Portico's configuration, read from environment variables with sensible defaults. Every bad value is reported
 * at once, naming the variable, before anything starts.
 *
 * @param databaseUrl   a JDBC URL; empty means the embedded H2 file database under {@code dataDir}
 * @param adminInsecure allow the admin API on a non-loopback address without TLS
 * @param clients       what one client may hold of the proxy listeners, and for how long
 * @param targetMaxConnections requests one target serves at once when its upstream sets no maxConnections
 * @param detailedErrors whether Portico's own error replies name the upstream and what failed (for debugging)
 * @param shutdownGrace how long requests in flight get to finish when Portico is told to stop
 * @param healthHost    where the health probes' own listener binds, when {@code healthPort} is set
 * @param healthPort    the health probes' own listener's port; empty: the probes are on the admin listener only
 * @param observability the access log, request tracing and metrics
 */
public record Settings(Path dataDir,
                       String httpHost, int httpPort,
                       String httpsHost, int httpsPort, Optional<String> defaultCertificate,
                       String adminHost, int adminPort, boolean adminInsecure,
                       Optional<String> adminToken,
                       String trustedProxies,
                       Optional<String> databaseUrl, String databaseUser, String databasePassword,
                       Duration pollInterval, ClientLimits clients, int targetMaxConnections,
                       boolean detailedErrors, Duration shutdownGrace, String healthHost,
                       Optional<Integer> healthPort, Observability observability) {

    /**
     * What Portico tells of its traffic.
     *
     * @param accessLog       {@code stdout}, {@code off}, or the path of a file
     * @param accessLogFormat the access log's lines
     * @param startTraces     whether a request that came without a W3C traceparent gets one of Portico's
     * @param metrics         whether Portico keeps metrics and serves them on {@code /metrics}
     * @param metricsPublic   whether {@code /metrics} is also served, without a token, on the health listener
     * @param metricsBuckets  the latency histograms' bucket bounds, in seconds
     */
    public record Observability(String accessLog, AccessLogFormat accessLogFormat, boolean startTraces,
                                boolean metrics, boolean metricsPublic, List<Double> metricsBuckets) {
        public static final String STDOUT = "stdout";
        public static final String OFF = "off";

        static Observability fromEnvironment(Map<String, String> env, List<String> problems) {
            String accessLog = env.getOrDefault("PORTICO_ACCESS_LOG", STDOUT).strip();
            if (accessLog.isEmpty()) {
                problems.add("PORTICO_ACCESS_LOG must be stdout, off or the path of a file");
            }
            String formatName = env.getOrDefault("PORTICO_ACCESS_LOG_FORMAT", "json");
            AccessLogFormat format = AccessLogFormat.named(formatName);
            if (format == null) {
                problems.add("PORTICO_ACCESS_LOG_FORMAT must be json or combined, got '" + formatName + "'");
                format = AccessLogFormat.JSON;
            }
            String tracing = env.getOrDefault("PORTICO_TRACING", "off").strip();
            if (!tracing.equals("off") && !tracing.equals("generate")) {
                problems.add("PORTICO_TRACING must be off (pass a client's traceparent on) or generate (also start"
                        + " one when none came), got '" + tracing + "'");
            }
            boolean metrics = !env.containsKey("PORTICO_METRICS") || bool(env, "PORTICO_METRICS", problems);
            boolean metricsPublic = bool(env, "PORTICO_METRICS_PUBLIC", problems);
            if (metricsPublic && !metrics) {
                problems.add("PORTICO_METRICS_PUBLIC=true serves the metrics that PORTICO_METRICS=false turns off");
            }
            if (metricsPublic && !env.containsKey("PORTICO_HEALTH_PORT")) {
                problems.add("PORTICO_METRICS_PUBLIC=true serves /metrics on the health listener: set"
                        + " PORTICO_HEALTH_PORT too");
            }
            List<Double> buckets = ProxyMetrics.DEFAULT_BUCKETS;
            try {
                buckets = ProxyMetrics.buckets(env.get("PORTICO_METRICS_BUCKETS"));
            } catch (IllegalArgumentException e) {
                problems.add("PORTICO_METRICS_BUCKETS must list seconds in ascending order, such as"
                        + " 0.005,0.05,0.5,5: " + e.getMessage());
            }
            return new Observability(accessLog, format, tracing.equals("generate"), metrics, metricsPublic, buckets);
        }
    }

    /** Thrown when the environment holds values Portico cannot use; the message lists each of them. */
    public static final class InvalidSettings extends RuntimeException {
        InvalidSettings(List<String> problems) {
            super("invalid configuration:\n  - " + String.join("\n  - ", problems));
        }
    }

    @Override
    public String toString() {
        // Never print the token or the database password.
        return "Settings[dataDir=" + dataDir + ", http=" + httpHost + ":" + httpPort + ", https=" + httpsHost + ":"
                + httpsPort + ", admin=" + adminHost + ":"
                + adminPort + ", database=" + databaseUrl.orElse("embedded H2") + "]";
    }

    public static Settings fromEnvironment(Map<String, String> env) {
        List<String> problems = new ArrayList<>();
        Path dataDir = Path.of(env.getOrDefault("PORTICO_DATA_DIR", "data")).toAbsolutePath().normalize();
        String httpHost = env.getOrDefault("PORTICO_HTTP_HOST", "0.0.0.0");
        int httpPort = port(env, "PORTICO_HTTP_PORT", 8080, problems);
        String httpsHost = env.getOrDefault("PORTICO_HTTPS_HOST", httpHost);
        int httpsPort = port(env, "PORTICO_HTTPS_PORT", 8443, problems);
        Optional<String> defaultCertificate = Optional.ofNullable(env.get("PORTICO_DEFAULT_CERTIFICATE"))
                .map(String::strip).filter(name -> !name.isEmpty());
        String adminHost = env.getOrDefault("PORTICO_ADMIN_HOST", "127.0.0.1");
        int adminPort = port(env, "PORTICO_ADMIN_PORT", 9090, problems);
        boolean adminInsecure = bool(env, "PORTICO_ADMIN_INSECURE", problems);
        if (!adminInsecure && !isLoopback(adminHost)) {
            problems.add("PORTICO_ADMIN_HOST=" + adminHost + " is not a loopback address: the admin API would carry its"
                    + " bearer token in clear over the network. Keep it on 127.0.0.1 (and reach it through SSH or a"
                    + " TLS-terminating proxy), or set PORTICO_ADMIN_INSECURE=true to accept the risk.");
        }
        Optional<String> token = Optional.ofNullable(env.get("PORTICO_ADMIN_TOKEN")).map(String::strip).filter(t -> !t.isEmpty());
        if (token.isPresent() && token.get().length() < 16) {
            problems.add("PORTICO_ADMIN_TOKEN must be at least 16 characters long (use a random secret, e.g."
                    + " `openssl rand -hex 32`)");
        }
        Optional<String> databaseUrl = Optional.ofNullable(env.get("PORTICO_DATABASE_URL")).filter(u -> !u.isBlank());
        if (databaseUrl.isPresent() && !databaseUrl.get().startsWith("jdbc:")) {
            problems.add("PORTICO_DATABASE_URL must be a JDBC URL such as jdbc:postgresql://db:5432/portico, got '"
                    + databaseUrl.get() + "'");
        }
        long pollMs = number(env, "PORTICO_POLL_INTERVAL_MS", 1000, 50, 3_600_000, problems);
        ClientLimits clients = clientLimits(env, problems);
        int targetMaxConnections = (int) number(env, "PORTICO_UPSTREAM_MAX_CONNECTIONS",
                ClientLimits.DEFAULT_MAX_REQUESTS, 0, 1_000_000, problems);
        boolean detailedErrors = bool(env, "PORTICO_DETAILED_ERRORS", problems);
        Duration shutdownGrace = Duration.ofMillis(number(env, "PORTICO_SHUTDOWN_GRACE_MS", 30_000, 0, 3_600_000,
                problems));
        String healthHost = env.getOrDefault("PORTICO_HEALTH_HOST", "0.0.0.0");
        Optional<Integer> healthPort = env.containsKey("PORTICO_HEALTH_PORT") && !env.get("PORTICO_HEALTH_PORT").isBlank()
                ? Optional.of(port(env, "PORTICO_HEALTH_PORT", 0, problems)) : Optional.empty();
        Observability observability = Observability.fromEnvironment(env, problems);
        if (!problems.isEmpty()) {
            throw new InvalidSettings(problems);
        }
        return new Settings(dataDir, httpHost, httpPort, httpsHost, httpsPort, defaultCertificate, adminHost, adminPort, adminInsecure, token,
                env.getOrDefault("PORTICO_TRUSTED_PROXIES", ""),
                databaseUrl, env.getOrDefault("PORTICO_DATABASE_USER", ""),
                env.getOrDefault("PORTICO_DATABASE_PASSWORD", ""), Duration.ofMillis(pollMs), clients,
                targetMaxConnections, detailedErrors, shutdownGrace, healthHost, healthPort, observability);
    }

    /** The client timeouts and limits of the proxy listeners; nginx's defaults where nginx has one. */
    private static ClientLimits clientLimits(Map<String, String> env, List<String> problems) {
        Duration header = millis(env, "PORTICO_CLIENT_HEADER_TIMEOUT_MS", ClientLimits.DEFAULT_HEADER_TIMEOUT, problems);
        Duration body = millis(env, "PORTICO_CLIENT_BODY_TIMEOUT_MS", ClientLimits.DEFAULT_BODY_TIMEOUT, problems);
        Duration keepAlive = millis(env, "PORTICO_KEEPALIVE_TIMEOUT_MS", ClientLimits.DEFAULT_KEEPALIVE_TIMEOUT,
                problems);
        Duration send = millis(env, "PORTICO_CLIENT_SEND_TIMEOUT_MS", ClientLimits.DEFAULT_SEND_TIMEOUT, problems);
        int connections = (int) number(env, "PORTICO_MAX_CLIENT_CONNECTIONS", ClientLimits.DEFAULT_MAX_CONNECTIONS,
                1, 1_000_000, problems);
        int requests = (int) number(env, "PORTICO_MAX_CONCURRENT_REQUESTS", ClientLimits.DEFAULT_MAX_REQUESTS, 1,
                1_000_000, problems);
        int streams = (int) number(env, "PORTICO_HTTP2_MAX_CONCURRENT_STREAMS", ClientLimits.DEFAULT_MAX_STREAMS, 1,
                10_000, problems);
        int requestLine = (int) number(env, "PORTICO_MAX_REQUEST_LINE", ClientLimits.DEFAULT_MAX_REQUEST_LINE, 256,
                1_048_576, problems);
        int headerSize = (int) number(env, "PORTICO_MAX_HEADER_SIZE", ClientLimits.DEFAULT_MAX_HEADER_SIZE, 1024,
                1_048_576, problems);
        return new ClientLimits(header, body, keepAlive, send, connections, requests, streams, requestLine,
                headerSize);
    }

    private static Duration millis(Map<String, String> env, String name, Duration fallback, List<String> problems) {
        return Duration.ofMillis(number(env, name, fallback.toMillis(), 100, 86_400_000, problems));
    }

    private static int port(Map<String, String> env, String name, int fallback, List<String> problems) {
        return (int) number(env, name, fallback, 0, 65535, problems);
    }

    private static long number(Map<String, String> env, String name, long fallback, long min, long max,
                               List<String> problems) {
        String raw = env.get(name);
        if (raw == null || raw.isBlank()) {
            return fallback;
        }
        try {
            long value = Long.parseLong(raw.strip());
            if (value >= min && value <= max) {
                return value;
            }
        } catch (NumberFormatException ignored) {
            // reported below
        }
        problems.add(name + " must be a whole number from " + min + " to " + max + ", got '" + raw + "'");
        return fallback;
    }

    private static boolean bool(Map<String, String> env, String name, List<String> problems) {
        String raw = env.getOrDefault(name, "false").strip();
        if (raw.equalsIgnoreCase("true") || raw.equals("1")) {
            return true;
        }
        if (raw.isEmpty() || raw.equalsIgnoreCase("false") || raw.equals("0")) {
            return false;
        }
        problems.add(name + " must be true or false, got '" + raw + "'");
        return false;
    }

    private static boolean isLoopback(String host) {
        if (host.equalsIgnoreCase("localhost")) {
            return true;
        }
        // Only literals are judged, so that no DNS lookup happens here; a name other than localhost is not loopback.
        if (!host.matches("[0-9.]+|\\[?[0-9a-fA-F:]+]?")) {
            return false;
        }
        try {
            return InetAddress.getByName(host.replace("[", "").replace("]", "")).isLoopbackAddress();
        } catch (UnknownHostException e) {
            return false;
        }
    }
}
