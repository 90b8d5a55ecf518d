package dev.portico.domain.port;

import dev.portico.domain.model.CertificateOrigin;
import dev.portico.domain.model.ServedCertificate;

import java.util.List;
import java.util.Optional;

/**
 * Outbound port: the HTTPS listener's set of certificates. Serving validates first: a refused certificate never
 * replaces the one in service under its name.
 */
public interface ServeCertificates {

    /** Loads and, if it passes, serves {@code origin} under {@code name}. */
    CertificateOutcome serve(String name, CertificateOrigin origin);

    /** Reads {@code name}'s origin again (for files: what the paths point to now). */
    CertificateOutcome reload(String name);

    /** Stops serving {@code name}, if it was served. */
    void withdraw(String name);

    /** Every certificate in service, by name. */
    List<ServedCertificate> served();

    Optional<ServedCertificate> served(String name);
}
