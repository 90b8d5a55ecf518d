package dev.portico.admin;

import dev.portico.domain.port.ScrapeMetrics;

import io.helidon.http.HeaderNames;
import io.helidon.http.HttpMediaType;
import io.helidon.webserver.http.HttpRouting;

/**
 * {@code GET /metrics}: the node's metrics for Prometheus. On the admin listener it needs a token like every other
 * path there (any scope: Prometheus sends it with {@code authorization: credentials}); on the health listener it is
 * served to anyone only when the operator opts in.
 */
public final class MetricsEndpoint {
    public static final String PATH = "/metrics";

    private final ScrapeMetrics metrics;

    public MetricsEndpoint(ScrapeMetrics metrics) {
        this.metrics = metrics;
    }

    /** Registers the path; on the admin listener, before {@link AdminApi#register}, whose filter then guards it. */
    public void register(HttpRouting.Builder routing) {
        routing.get(PATH, (req, res) -> {
            ScrapeMetrics.Scrape scrape = metrics.scrape(req.headers().first(HeaderNames.ACCEPT).orElse(null));
            res.headers().contentType(HttpMediaType.create(scrape.contentType()));
            res.header(HeaderNames.CACHE_CONTROL, "no-store");
            res.send(scrape.body());
        });
    }
}
