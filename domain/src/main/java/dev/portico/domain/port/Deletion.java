package dev.portico.domain.port;

import java.util.List;
import java.util.OptionalLong;

/** What became of a delete request. */
public sealed interface Deletion {

    /** Removed, committed and live at {@code revision}. */
    record Deleted(long revision) implements Deletion {
    }

    /** Nothing of that name exists. */
    enum NotFound implements Deletion {
        INSTANCE
    }

    /** Kept, because these routes still forward to it. */
    record InUse(List<String> routes) implements Deletion {
        public InUse {
            routes = List.copyOf(routes);
        }
    }

    /**
     * Kept: the resource did not meet the delete's {@link Precondition}.
     *
     * @param current the revision the resource was last written at; empty when it does not exist
     */
    record PreconditionFailed(OptionalLong current) implements Deletion {
    }
}
