package dev.portico.admin;

import dev.portico.domain.validation.FieldError;

/** One field at fault: a JSON path such as {@code targets[0].url} (empty path: the body as a whole) and why. */
record FieldErrorJson(String field, String message) {

    static FieldErrorJson of(FieldError error) {
        return new FieldErrorJson(error.field(), error.message());
    }
}
