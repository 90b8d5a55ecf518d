package dev.portico.domain.port;

import dev.portico.domain.model.NamedCertificate;
import dev.portico.domain.model.Stored;

import java.util.List;
import java.util.Optional;

/**
 * Outbound port: where certificate resources are kept. Writes take the next configuration revision (so that other
 * nodes' pollers notice them) and record themselves in the audit log in the same transaction.
 */
public interface CertificateStore {

    /** Every stored certificate, sorted by name. */
    List<Stored<NamedCertificate>> certificates();

    Optional<Stored<NamedCertificate>> certificate(String name);

    /** Creates or replaces; answers {@link StoreWrite.Written}. */
    StoreWrite put(NamedCertificate certificate, Change change);

    /** Answers {@link Deletion.Deleted} or {@link Deletion.NotFound}. */
    Deletion delete(String name, Change change);
}
