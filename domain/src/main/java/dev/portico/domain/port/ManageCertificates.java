package dev.portico.domain.port;

import dev.portico.domain.model.CertificateOrigin;
import dev.portico.domain.model.ServedCertificate;

import java.util.List;
import java.util.Optional;

/** Inbound port of the admin API: the HTTPS listener's certificates, stored so that they survive a restart. */
public interface ManageCertificates {

    /** Every certificate in service, sorted by name. */
    List<ServedCertificate> certificates();

    Optional<ServedCertificate> certificate(String name);

    /** Validates by loading, then stores and serves; a refused certificate is neither stored nor served. Audited. */
    CertificateOutcome put(String name, CertificateOrigin origin, Change change);

    /** Stops serving and forgets {@code name}. Audited. */
    Deletion delete(String name, Change change);

    /** Loads {@code name} again from where it comes from; a refusal keeps the one in service. */
    CertificateOutcome reload(String name);

    /** {@link #reload} for every certificate in service, in name order; one refusal does not stop the others. */
    List<CertificateOutcome> reloadAll();
}
