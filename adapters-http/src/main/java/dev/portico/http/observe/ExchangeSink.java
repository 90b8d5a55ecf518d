package dev.portico.http.observe;

/**
 * Hears each exchange once, when it ends: the access log and the metrics. Called on the request's thread, so an
 * implementation must not block; one that needs the record later copies what it needs.
 */
public interface ExchangeSink {
    ExchangeSink NONE = new ExchangeSink() {
        @Override
        public boolean wantsDetails() {
            return false;
        }

        @Override
        public void completed(ExchangeRecord exchange) {
        }
    };

    /**
     * Whether records need the details only an access log reads (client address, User-Agent, Referer, TLS): readers
     * skip looking them up when nobody does.
     */
    boolean wantsDetails();

    void completed(ExchangeRecord exchange);

    /** Ends the exchange and tells this sink; an exchange is told once. */
    default void end(ExchangeRecord exchange) {
        if (!exchange.ended()) {
            exchange.end();
            completed(exchange);
        }
    }

    /** Both, in order. */
    static ExchangeSink both(ExchangeSink first, ExchangeSink second) {
        if (first == NONE) {
            return second;
        }
        if (second == NONE) {
            return first;
        }
        return new ExchangeSink() {
            @Override
            public boolean wantsDetails() {
                return first.wantsDetails() || second.wantsDetails();
            }

            @Override
            public void completed(ExchangeRecord exchange) {
                first.completed(exchange);
                second.completed(exchange);
            }
        };
    }
}
