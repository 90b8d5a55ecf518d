package dev.portico.domain.port;

import java.util.OptionalLong;
import java.util.Set;

/**
 * What a write requires of the resource as it stands when the write runs, checked by the store inside the write's
 * transaction so that nothing can change in between. A resource is identified by the revision at which it was last
 * written (its ETag); an absent resource has none.
 */
public sealed interface Precondition {

    /** Whether the write may go ahead, given the resource's current revision (empty when it does not exist). */
    boolean allows(OptionalLong current);

    /** No condition: the write always goes ahead. */
    enum Unconditional implements Precondition {
        INSTANCE;

        @Override
        public boolean allows(OptionalLong current) {
            return true;
        }
    }

    /** The resource must exist, whatever its revision ({@code If-Match: *}). */
    enum MustExist implements Precondition {
        INSTANCE;

        @Override
        public boolean allows(OptionalLong current) {
            return current.isPresent();
        }
    }

    /** The resource must not exist: create only ({@code If-None-Match: *}). */
    enum MustBeAbsent implements Precondition {
        INSTANCE;

        @Override
        public boolean allows(OptionalLong current) {
            return current.isEmpty();
        }
    }

    /**
     * The resource must exist and have been last written at one of these revisions ({@code If-Match: "3"}). None
     * listed ({@code If-Match: "stale"}, a tag that is no revision) never holds.
     */
    record RevisionIn(Set<Long> revisions) implements Precondition {
        public RevisionIn {
            revisions = Set.copyOf(revisions);
        }

        @Override
        public boolean allows(OptionalLong current) {
            return current.isPresent() && revisions.contains(current.getAsLong());
        }
    }

    /**
     * The resource must be absent or last written at none of these revisions ({@code If-None-Match: "3"}). None listed
     * always holds.
     */
    record RevisionNotIn(Set<Long> revisions) implements Precondition {
        public RevisionNotIn {
            revisions = Set.copyOf(revisions);
        }

        @Override
        public boolean allows(OptionalLong current) {
            return current.isEmpty() || !revisions.contains(current.getAsLong());
        }
    }
}
