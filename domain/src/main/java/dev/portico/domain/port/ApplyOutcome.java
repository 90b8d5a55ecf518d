package dev.portico.domain.port;

import dev.portico.domain.model.ConfigurationDiff;
import dev.portico.domain.validation.FieldError;

import java.util.List;

/** What became of a request to replace (or preview replacing) the whole configuration. */
public sealed interface ApplyOutcome {

    /** Committed and live at {@code revision}; an empty diff changed nothing and kept the revision. */
    record Applied(ConfigurationDiff diff, long revision) implements ApplyOutcome {
    }

    /** Valid, and not applied: what applying it to the configuration at {@code revision} would do. */
    record Previewed(ConfigurationDiff diff, long revision) implements ApplyOutcome {
    }

    /** Refused, every fault named by its path in the document; nothing was stored. */
    record Rejected(List<FieldError> errors) implements ApplyOutcome {
        public Rejected {
            errors = List.copyOf(errors);
        }
    }

    /** Refused because the configuration is no longer at the revision the request required; nothing was stored. */
    record PreconditionFailed(long current) implements ApplyOutcome {
    }
}
