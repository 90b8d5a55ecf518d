package dev.portico.domain.port;

import dev.portico.domain.model.AdminToken;
import dev.portico.domain.validation.FieldError;

import java.util.List;
import java.util.Objects;

/** What became of a request to create an admin token. */
public sealed interface TokenCreation {

    /** Stored (as a hash) and usable at once; {@code secret} is shown to the requester this once and never again. */
    record Created(AdminToken token, String secret) implements TokenCreation {
        public Created {
            Objects.requireNonNull(token, "token");
            Objects.requireNonNull(secret, "secret");
        }

        @Override
        public String toString() {
            return "Created[token=" + token.name() + ", secret=<hidden>]";
        }
    }

    /** A token of that name exists; nothing was stored. */
    enum Duplicate implements TokenCreation {
        INSTANCE
    }

    /** The name or scope is invalid; nothing was stored. */
    record Rejected(List<FieldError> errors) implements TokenCreation {
        public Rejected {
            errors = List.copyOf(errors);
        }
    }
}
