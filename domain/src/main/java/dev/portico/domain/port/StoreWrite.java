package dev.portico.domain.port;

/** What the store did with a write. */
public sealed interface StoreWrite {

    /** Committed at {@code revision}; {@code created} tells a new resource from a replaced one. */
    record Written(boolean created, long revision) implements StoreWrite {
    }

    /** Not written: the route names an upstream that does not exist. */
    record UpstreamMissing(String upstream) implements StoreWrite {
    }
}
