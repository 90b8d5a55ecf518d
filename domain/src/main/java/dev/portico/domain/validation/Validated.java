package dev.portico.domain.validation;

import java.util.List;

/** The outcome of checking input: a valid value, or every error found in it. */
public sealed interface Validated<T> {

    /** The input was valid. */
    record Valid<T>(T value) implements Validated<T> {
    }

    /** The input was refused; {@code errors} is never empty. */
    record Invalid<T>(List<FieldError> errors) implements Validated<T> {
        public Invalid {
            errors = List.copyOf(errors);
            if (errors.isEmpty()) {
                throw new IllegalArgumentException("an Invalid outcome needs at least one error");
            }
        }
    }
}
