package dev.portico.domain;

import dev.portico.domain.validation.FieldError;
import dev.portico.domain.validation.Validated;

import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/** Unwraps a Validated outcome in a test, failing with the outcome shown when it is the other kind. */
public final class Outcomes {
    private Outcomes() {
    }

    @SuppressWarnings("unchecked") // Valid<T> is the only Valid a Validated<T> can hold.
    public static <T> T valid(Validated<T> outcome) {
        assertThat(outcome).isInstanceOf(Validated.Valid.class);
        return ((Validated.Valid<T>) outcome).value();
    }

    public static List<FieldError> errors(Validated<?> outcome) {
        assertThat(outcome).isInstanceOf(Validated.Invalid.class);
        return ((Validated.Invalid<?>) outcome).errors();
    }
}
