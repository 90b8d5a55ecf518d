package dev.portico.http.metrics;

import dev.portico.domain.health.TargetKey;
import dev.portico.domain.health.TargetState;
import dev.portico.domain.health.TargetStates;
import dev.portico.domain.model.Configuration;
import dev.portico.domain.model.Route;
import dev.portico.domain.model.Target;
import dev.portico.domain.model.Upstream;
import dev.portico.domain.port.ScrapeMetrics;
import dev.portico.domain.routing.ResolvedRoute;
import dev.portico.http.forward.ExchangeObserver;
import dev.portico.http.observe.ExchangeRecord;
import dev.portico.http.observe.ExchangeSink;
import dev.portico.http.upstream.UpstreamFailure;

import io.prometheus.metrics.config.EscapingScheme;
import io.prometheus.metrics.core.datapoints.CounterDataPoint;
import io.prometheus.metrics.core.datapoints.DistributionDataPoint;
import io.prometheus.metrics.core.metrics.Counter;
import io.prometheus.metrics.core.metrics.CounterWithCallback;
import io.prometheus.metrics.core.metrics.GaugeWithCallback;
import io.prometheus.metrics.core.metrics.Histogram;
import io.prometheus.metrics.expositionformats.ExpositionFormatWriter;
import io.prometheus.metrics.expositionformats.OpenMetricsTextFormatWriter;
import io.prometheus.metrics.expositionformats.PrometheusTextFormatWriter;
import io.prometheus.metrics.instrumentation.jvm.JvmMetrics;
import io.prometheus.metrics.model.registry.PrometheusRegistry;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.function.LongSupplier;
import java.util.function.Supplier;

/**
 * Portico's Prometheus metrics. Every label value comes from a stored name (route, upstream, target URL, certificate,
 * listener) or a short fixed set (status class, failure kind, protocol), so the number of series is bounded by the
 * configuration, never by what clients send. The series of a route, upstream or target go when it is deleted
 * ({@link #reconcile}). On the request path, each exchange finds its counters in maps built once per configuration:
 * no label list is built and no registry lookup is made per request.
 */
public final class ProxyMetrics implements ExchangeSink, ExchangeObserver, ScrapeMetrics {
    /** Buckets of the two latency histograms, in seconds: 1 ms to 30 s ({@code PORTICO_METRICS_BUCKETS}). */
    public static final List<Double> DEFAULT_BUCKETS = List.of(0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25,
            0.5, 1.0, 2.5, 5.0, 10.0, 30.0);
    private static final String[] CODES = {"1xx", "1xx", "2xx", "3xx", "4xx", "5xx"};
    /** The route and upstream labels of Portico's answers to requests no route took (404, 400, 405). */
    private static final String NONE = "";

    private final PrometheusRegistry registry = new PrometheusRegistry();
    private final TargetStates states;
    private final Counter requests;
    private final Histogram requestDuration;
    private final Histogram upstreamDuration;
    private final Counter upstreamFailures;
    private final Counter retries;
    private final Counter configReloads;
    private volatile Series series = Series.EMPTY;
    private volatile Configuration configuration = Configuration.empty();

    /** Each route's counters, and each target's histogram, as of one configuration. */
    private record Series(Map<String, RouteSeries> routes, Map<String, Map<String, DistributionDataPoint>> targets) {
        static final Series EMPTY = new Series(Map.of(), Map.of());
    }

    private record RouteSeries(CounterDataPoint[] byCode, DistributionDataPoint duration) {
    }

    public ProxyMetrics(TargetStates states, List<Double> buckets) {
        this.states = Objects.requireNonNull(states, "states");
        double[] bounds = buckets.stream().mapToDouble(Double::doubleValue).toArray();
        requests = Counter.builder().name("portico_requests_total")
                .help("Exchanges ended, by route, upstream and status class (Portico's own answers included)")
                .labelNames("route", "upstream", "code").withoutExemplars().register(registry);
        requestDuration = Histogram.builder().name("portico_request_duration_seconds")
                .help("Time from a request's head to the end of its answer, by route")
                .labelNames("route").classicOnly().classicUpperBounds(bounds).withoutExemplars().register(registry);
        upstreamDuration = Histogram.builder().name("portico_upstream_duration_seconds")
                .help("Time from a request's head to its target's response head, by upstream and target")
                .labelNames("upstream", "target").classicOnly().classicUpperBounds(bounds).withoutExemplars()
                .register(registry);
        upstreamFailures = Counter.builder().name("portico_upstream_failures_total")
                .help("Failed attempts on a target, by kind: refused, timeout, reset, tls, bad_response")
                .labelNames("upstream", "target", "kind").withoutExemplars().register(registry);
        retries = Counter.builder().name("portico_retries_total")
                .help("Attempts retried on another target, by upstream").labelNames("upstream").withoutExemplars()
                .register(registry);
        configReloads = Counter.builder().name("portico_config_reloads_total")
                .help("Configurations loaded from the database after another node changed it, by result")
                .labelNames("result").withoutExemplars().register(registry);
        configReloads.initLabelValues("success");
        configReloads.initLabelValues("failure");
        GaugeWithCallback.builder().name("portico_target_up")
                .help("1 when a target takes new requests (healthy, not ejected), else 0")
                .labelNames("upstream", "target")
                .callback(callback -> eachTarget((key, state) -> callback.call(
                        state.map(s -> s.isHealthy() ? 1.0 : 0.0).orElse(1.0), key.upstream(), key.url())))
                .register(registry);
        GaugeWithCallback.builder().name("portico_target_in_flight")
                .help("Requests (and WebSockets) in flight on a target").labelNames("upstream", "target")
                .callback(callback -> eachTarget((key, state) -> callback.call(
                        state.map(TargetState::inFlight).orElse(0), key.upstream(), key.url())))
                .register(registry);
        GaugeWithCallback.builder().name("portico_config_revision")
                .help("The revision of the configuration in force").callback(callback ->
                        callback.call(configuration.revision()))
                .register(registry);
        JvmMetrics.builder().register(registry);
    }

    /** The default buckets, or those of a {@code PORTICO_METRICS_BUCKETS} list of seconds, ascending. */
    public static List<Double> buckets(String list) {
        if (list == null || list.isBlank()) {
            return DEFAULT_BUCKETS;
        }
        List<Double> buckets = new ArrayList<>();
        for (String item : list.split(",")) {
            double bound = Double.parseDouble(item.strip());
            if (!(bound > 0) || Double.isInfinite(bound)
                    || (!buckets.isEmpty() && bound <= buckets.getLast())) {
                throw new IllegalArgumentException("bucket bounds must be positive seconds in ascending order, got '"
                        + item.strip() + "'");
            }
            buckets.add(bound);
        }
        return List.copyOf(buckets);
    }

    // ---- the request path

    @Override
    public boolean wantsDetails() {
        return false;
    }

    @Override
    public void completed(ExchangeRecord exchange) {
        Series current = series;
        String route = exchange.route() == null ? NONE : exchange.route();
        RouteSeries counters = current.routes().get(route);
        if (counters == null) {
            // a route deleted while this request was in flight: its series are gone and stay gone
            return;
        }
        int status = exchange.status();
        counters.byCode()[status >= 100 && status < 600 ? status / 100 : 5].inc();
        counters.duration().observe(exchange.durationNanos() / 1e9);
        if (exchange.upstreamNanos() >= 0 && exchange.upstream() != null) {
            Map<String, DistributionDataPoint> targets = current.targets().get(exchange.upstream());
            DistributionDataPoint target = targets == null ? null : targets.get(exchange.targetUrl());
            if (target != null) {
                target.observe(exchange.upstreamNanos() / 1e9);
            }
        }
    }

    @Override
    public void upstreamFailed(ResolvedRoute route, Target target, UpstreamFailure failure) {
        if (live(route.upstream().name(), target.url())) {
            upstreamFailures.labelValues(route.upstream().name(), target.url(), kind(failure)).inc();
        }
    }

    @Override
    public void retried(ResolvedRoute route, Target target, UpstreamFailure failure) {
        upstreamFailed(route, target, failure);
        if (live(route.upstream().name(), target.url())) {
            retries.labelValues(route.upstream().name()).inc();
        }
    }

    private boolean live(String upstream, String url) {
        Map<String, DistributionDataPoint> targets = series.targets().get(upstream);
        return targets != null && targets.containsKey(url);
    }

    /** The kind label of a failure: what an operator tells apart when a target misbehaves. */
    static String kind(UpstreamFailure failure) {
        return switch (failure) {
            case UNREACHABLE -> "refused";
            case CONNECT_TIMEOUT, TIMEOUT -> "timeout";
            case UNTRUSTED_CERTIFICATE, WRONG_HOST_CERTIFICATE, EXPIRED_CERTIFICATE, TLS_FAILED -> "tls";
            case CLOSED, ABORTED_RESPONSE -> "reset";
            case INVALID_RESPONSE -> "bad_response";
        };
    }

    // ---- configuration changes

    /**
     * The configuration in force changed: the series of routes, upstreams and targets it no longer has are removed,
     * and the request path's counters are found anew.
     */
    public void reconcile(Configuration next) {
        Set<List<String>> routeUpstreams = new HashSet<>();
        Set<String> routeNames = new HashSet<>();
        Set<String> upstreamNames = new HashSet<>();
        Set<List<String>> targets = new HashSet<>();
        routeUpstreams.add(List.of(NONE, NONE));
        routeNames.add(NONE);
        for (Route route : next.routes()) {
            routeUpstreams.add(List.of(route.name(), route.upstream()));
            routeNames.add(route.name());
        }
        for (Upstream upstream : next.upstreams()) {
            upstreamNames.add(upstream.name());
            for (Target target : upstream.targets()) {
                targets.add(List.of(upstream.name(), target.url()));
            }
        }
        requests.removeIf(labels -> !routeUpstreams.contains(labels.subList(0, 2)));
        requestDuration.removeIf(labels -> !routeNames.contains(labels.getFirst()));
        upstreamDuration.removeIf(labels -> !targets.contains(labels));
        upstreamFailures.removeIf(labels -> !targets.contains(labels.subList(0, 2)));
        retries.removeIf(labels -> !upstreamNames.contains(labels.getFirst()));

        Map<String, RouteSeries> routes = new HashMap<>();
        routes.put(NONE, routeSeries(NONE, NONE));
        for (Route route : next.routes()) {
            routes.put(route.name(), routeSeries(route.name(), route.upstream()));
        }
        Map<String, Map<String, DistributionDataPoint>> byUpstream = new HashMap<>();
        for (Upstream upstream : next.upstreams()) {
            Map<String, DistributionDataPoint> byTarget = new HashMap<>();
            for (Target target : upstream.targets()) {
                byTarget.put(target.url(), upstreamDuration.labelValues(upstream.name(), target.url()));
            }
            byUpstream.put(upstream.name(), Map.copyOf(byTarget));
        }
        configuration = next;
        series = new Series(Map.copyOf(routes), Map.copyOf(byUpstream));
    }

    private RouteSeries routeSeries(String route, String upstream) {
        CounterDataPoint[] byCode = new CounterDataPoint[6];
        for (int i = 1; i < byCode.length; i++) {
            byCode[i] = requests.labelValues(route, upstream, CODES[i]);
        }
        byCode[0] = byCode[1];
        return new RouteSeries(byCode, requestDuration.labelValues(route));
    }

    /** A poll loaded another node's configuration ({@code true}), or failed to reach the database. */
    public void configurationReloaded(boolean succeeded) {
        configReloads.labelValues(succeeded ? "success" : "failure").inc();
    }

    // ---- what is sampled when scraped

    /** Open client connections, by listener and then protocol ({@code http/1.1}, {@code h2}, {@code tls-handshake}). */
    public void connections(Supplier<Map<String, Map<String, Integer>>> byListener) {
        GaugeWithCallback.builder().name("portico_connections_open")
                .help("Open client connections, by listener and protocol").labelNames("listener", "protocol")
                .callback(callback -> byListener.get().forEach((listener, byProtocol) -> byProtocol.forEach(
                        (protocol, count) -> callback.call(count, listener, protocol))))
                .register(registry);
    }

    /** Open WebSockets, by route. */
    public void webSockets(Supplier<Map<String, Integer>> byRoute) {
        GaugeWithCallback.builder().name("portico_websockets_open").help("Open WebSockets, by route")
                .labelNames("route")
                .callback(callback -> byRoute.get().forEach((route, count) -> callback.call(count, route)))
                .register(registry);
    }

    /** When each loaded certificate expires. */
    public void certificates(Supplier<Map<String, Instant>> expiries) {
        GaugeWithCallback.builder().name("portico_tls_certificate_expiry_timestamp_seconds")
                .help("When a loaded certificate expires (its notAfter), in seconds since the epoch")
                .labelNames("certificate")
                .callback(callback -> expiries.get().forEach((name, notAfter) -> callback.call(
                        notAfter.getEpochSecond(), name)))
                .register(registry);
    }

    /** Access-log lines dropped because the log's output could not keep up. */
    public void accessLogDropped(LongSupplier dropped) {
        CounterWithCallback.builder().name("portico_access_log_dropped_total")
                .help("Access-log lines dropped because the log's output could not keep up")
                .callback(callback -> callback.call(dropped.getAsLong())).register(registry);
    }

    private void eachTarget(TargetVisitor visitor) {
        for (Upstream upstream : configuration.upstreams()) {
            for (Target target : upstream.targets()) {
                TargetKey key = TargetKey.of(upstream.name(), target);
                visitor.visit(key, states.find(key));
            }
        }
    }

    @FunctionalInterface
    private interface TargetVisitor {
        void visit(TargetKey key, Optional<TargetState> state);
    }

    // ---- exposition

    /** The metrics as text: OpenMetrics when the scraper's Accept asks for it, else Prometheus's text format. */
    @Override
    public Scrape scrape(String accept) {
        ExpositionFormatWriter writer = accept != null && accept.contains("application/openmetrics-text")
                ? OpenMetricsTextFormatWriter.create() : PrometheusTextFormatWriter.create();
        ByteArrayOutputStream out = new ByteArrayOutputStream(16 * 1024);
        try {
            writer.write(out, registry.scrape(), EscapingScheme.fromAcceptHeader(accept));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return new Scrape(writer.getContentType(), out.toByteArray());
    }
}
