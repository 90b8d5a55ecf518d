package dev.portico.http.tls;

import dev.portico.domain.model.ServedCertificate;

import java.util.Objects;
import java.util.Optional;

/**
 * What a change to the {@link CertificateRegistry} did. An admin endpoint maps it as: {@code Installed} 201 (nothing
 * replaced) or 200, {@code Refused} 4xx with {@link CertificateProblem#message()}, {@code NotFound} 404.
 */
public sealed interface CertificateChange {

    /** The name the change was about. */
    String name();

    /** Now served; {@code replaced} is what was served under this name before, if anything. */
    record Installed(ServedCertificate details, Optional<ServedCertificate> replaced) implements CertificateChange {
        public Installed {
            Objects.requireNonNull(details, "details");
            Objects.requireNonNull(replaced, "replaced");
        }

        @Override
        public String name() {
            return details.name();
        }
    }

    /** Not served, for {@code problem}; whatever was served under this name before is still served. */
    record Refused(String name, CertificateProblem problem, Optional<ServedCertificate> stillServed)
            implements CertificateChange {
        public Refused {
            Objects.requireNonNull(name, "name");
            Objects.requireNonNull(problem, "problem");
            Objects.requireNonNull(stillServed, "stillServed");
        }
    }

    /** A reload of a name that is not registered. */
    record NotFound(String name) implements CertificateChange {
        public NotFound {
            Objects.requireNonNull(name, "name");
        }
    }
}
