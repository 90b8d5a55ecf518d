package dev.portico.persistence;

import dev.portico.domain.model.CertificateOrigin;
import dev.portico.domain.model.ChangeSummary;
import dev.portico.domain.model.NamedCertificate;
import dev.portico.domain.model.Stored;
import dev.portico.domain.port.CertificateStore;
import dev.portico.domain.port.Change;
import dev.portico.domain.port.Deletion;
import dev.portico.domain.port.StoreWrite;
import org.jdbi.v3.core.Handle;
import org.jdbi.v3.core.Jdbi;

import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Clock;
import java.time.temporal.ChronoUnit;
import java.util.List;
import java.util.Optional;
import java.util.function.Function;

/**
 * The CertificateStore on H2 or PostgreSQL. Each write is a {@link RevisionWrite}, as configuration writes are: it
 * takes the next configuration revision and ends with its audit entry, which names where a certificate comes from,
 * never its PEM.
 */
final class JdbiCertificateStore implements CertificateStore {
    private final Jdbi jdbi;
    private final Clock clock;
    private final WriteLock writeLock;

    JdbiCertificateStore(Jdbi jdbi, Clock clock, WriteLock writeLock) {
        this.jdbi = jdbi;
        this.clock = clock;
        this.writeLock = writeLock;
    }

    @Override
    public List<Stored<NamedCertificate>> certificates() {
        return jdbi.withHandle(handle -> handle
                .createQuery(Sql.SELECT_CERTIFICATES)
                .map((row, context) -> map(row))
                .list());
    }

    @Override
    public Optional<Stored<NamedCertificate>> certificate(String name) {
        return jdbi.withHandle(handle -> find(handle, name));
    }

    @Override
    public StoreWrite put(NamedCertificate certificate, Change change) {
        return write(write -> {
            boolean created = find(write.handle(), certificate.name()).isEmpty();
            CertificateOrigin origin = certificate.origin();
            write.handle().createUpdate(created ? Sql.INSERT_CERTIFICATE : Sql.UPDATE_CERTIFICATE)
                    .bind("name", certificate.name())
                    .bind("certFile", origin instanceof CertificateOrigin.Files files ? files.certFile() : null)
                    .bind("keyFile", origin instanceof CertificateOrigin.Files files ? files.keyFile() : null)
                    .bind("certPem", origin instanceof CertificateOrigin.Inline inline ? inline.certPem() : null)
                    .bind("keyPem", origin instanceof CertificateOrigin.Inline inline ? inline.keyPem() : null)
                    .bind("now", write.now())
                    .bind("revision", write.revision())
                    .execute();
            write.audit(change, ChangeSummary.certificateResource(certificate.name()),
                    ChangeSummary.certificate(created, origin));
            return new StoreWrite.Written(created, write.revision());
        });
    }

    @Override
    public Deletion delete(String name, Change change) {
        return write(write -> {
            int deleted = write.handle().createUpdate(Sql.DELETE_CERTIFICATE)
                    .bind("name", name)
                    .execute();
            if (deleted == 0) {
                return write.rollBack(Deletion.NotFound.INSTANCE);
            }
            write.audit(change, ChangeSummary.certificateResource(name), ChangeSummary.deleted());
            return new Deletion.Deleted(write.revision());
        });
    }

    private <T> T write(Function<RevisionWrite, T> write) {
        return RevisionWrite.run(jdbi, writeLock, () -> clock.instant().truncatedTo(ChronoUnit.MICROS), write);
    }

    private static Optional<Stored<NamedCertificate>> find(Handle handle, String name) {
        return handle.createQuery(Sql.SELECT_CERTIFICATE)
                .bind("name", name)
                .map((row, context) -> map(row))
                .findOne();
    }

    private static Stored<NamedCertificate> map(ResultSet row) throws SQLException {
        String certFile = row.getString("cert_file");
        CertificateOrigin origin = certFile != null
                ? new CertificateOrigin.Files(certFile, row.getString("key_file"))
                : new CertificateOrigin.Inline(row.getString("cert_pem"), row.getString("key_pem"));
        return new Stored<>(new NamedCertificate(row.getString("name"), origin), row.getLong("updated_revision"));
    }
}
