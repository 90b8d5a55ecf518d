package dev.portico.domain.validation;

import java.util.Objects;

/** One reason a piece of input was refused, naming the field at fault (a JSON-style path such as {@code targets[0].url}). */
public record FieldError(String field, String message) {
    public FieldError {
        Objects.requireNonNull(field, "field");
        Objects.requireNonNull(message, "message");
    }
}
