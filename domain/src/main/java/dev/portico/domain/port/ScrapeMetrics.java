package dev.portico.domain.port;

/** The node's metrics, written in the text format the scraper asked for. */
@FunctionalInterface
public interface ScrapeMetrics {
    /** @param accept the scraper's Accept header, null when it sent none */
    Scrape scrape(String accept);

    /** The exposition: its media type and its bytes. */
    record Scrape(String contentType, byte[] body) {
    }
}
