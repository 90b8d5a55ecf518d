package dev.portico.domain.port;

import java.util.OptionalLong;

/** What the store did with a write. */
public sealed interface StoreWrite {

    /** Committed at {@code revision}; {@code created} tells a new resource from a replaced one. */
    record Written(boolean created, long revision) implements StoreWrite {
    }

    /** Not written: the route names an upstream that does not exist. */
    record UpstreamMissing(String upstream) implements StoreWrite {
    }

    /**
     * Not written: the resource did not meet the write's {@link Precondition}.
     *
     * @param current the revision the resource was last written at; empty when it does not exist
     */
    record PreconditionFailed(OptionalLong current) implements StoreWrite {
    }
}
