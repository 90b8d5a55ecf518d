package dev.portico.domain.validation;

import java.util.ArrayList;
import java.util.List;
import java.util.function.Supplier;

/** Collects field errors while input is checked, so that a caller hears of every fault at once. */
public final class Errors {
    private final List<FieldError> errors = new ArrayList<>();

    public Errors add(String field, String message) {
        errors.add(new FieldError(field, message));
        return this;
    }

    public Errors addAll(List<FieldError> more) {
        errors.addAll(more);
        return this;
    }

    public boolean isEmpty() {
        return errors.isEmpty();
    }

    public List<FieldError> list() {
        return List.copyOf(errors);
    }

    /** Valid with the built value when no error was added, else Invalid with all of them. */
    public <T> Validated<T> orValid(Supplier<T> value) {
        return errors.isEmpty() ? new Validated.Valid<>(value.get()) : new Validated.Invalid<>(errors);
    }
}
