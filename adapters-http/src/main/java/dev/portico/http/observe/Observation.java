package dev.portico.http.observe;

/**
 * How the data plane observes itself: who hears each exchange, and whether Portico starts a W3C trace for a request
 * that came without one ({@code PORTICO_TRACING=generate}).
 */
public record Observation(ExchangeSink sink, boolean startTraces) {
    public static final Observation NONE = new Observation(ExchangeSink.NONE, false);
}
