package dev.portico.http.tls;

import java.util.Objects;

/** The result of reading and validating a certificate: ready to serve, or refused with a reason to act on. */
public sealed interface LoadOutcome {

    /** A certificate whose key matches and which is valid now. */
    record Loaded(CertificateBundle bundle) implements LoadOutcome {
        public Loaded {
            Objects.requireNonNull(bundle, "bundle");
        }
    }

    /** A certificate that must not be served, and why. */
    record Refused(CertificateProblem problem) implements LoadOutcome {
        public Refused {
            Objects.requireNonNull(problem, "problem");
        }
    }
}
