package dev.portico.domain.port;

import dev.portico.domain.validation.FieldError;

import java.util.List;
import java.util.OptionalLong;

/** What became of a create-or-replace request. */
public sealed interface PutOutcome<T> {

    /** Stored as a new resource, committed and live at {@code revision}. */
    record Created<T>(T value, long revision) implements PutOutcome<T> {
    }

    /** Replaced the resource of that name, committed and live at {@code revision}. */
    record Replaced<T>(T value, long revision) implements PutOutcome<T> {
    }

    /** Refused; nothing was stored. */
    record Rejected<T>(List<FieldError> errors) implements PutOutcome<T> {
        public Rejected {
            errors = List.copyOf(errors);
        }
    }

    /**
     * Refused because the resource did not meet the request's {@link Precondition}; nothing was stored.
     *
     * @param current the revision the resource was last written at; empty when it does not exist
     */
    record PreconditionFailed<T>(OptionalLong current) implements PutOutcome<T> {
    }
}
