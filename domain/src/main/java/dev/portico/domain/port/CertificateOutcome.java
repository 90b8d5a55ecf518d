package dev.portico.domain.port;

import dev.portico.domain.model.ServedCertificate;
import dev.portico.domain.validation.FieldError;

import java.util.List;
import java.util.Objects;

/** What became of a request to store, serve or reload a certificate. */
public sealed interface CertificateOutcome {

    /** Now served; {@code created} when nothing of that name was there before. */
    record Installed(ServedCertificate certificate, boolean created) implements CertificateOutcome {
        public Installed {
            Objects.requireNonNull(certificate, "certificate");
        }
    }

    /**
     * Not served, and nothing stored: the certificate itself is at fault. Whatever was served under the name still is.
     *
     * @param code    a short stable identifier, e.g. {@code expired} or {@code key-mismatch}
     * @param message one sentence naming the fault and what to do about it
     */
    record Refused(String name, String code, String message) implements CertificateOutcome {
        public Refused {
            Objects.requireNonNull(name, "name");
            Objects.requireNonNull(code, "code");
            Objects.requireNonNull(message, "message");
        }
    }

    /** The request itself is malformed (name, missing or doubled fields); nothing was loaded or stored. */
    record Rejected(List<FieldError> errors) implements CertificateOutcome {
        public Rejected {
            errors = List.copyOf(errors);
        }
    }

    /** Nothing of that name exists. */
    record NotFound(String name) implements CertificateOutcome {
        public NotFound {
            Objects.requireNonNull(name, "name");
        }
    }
}
