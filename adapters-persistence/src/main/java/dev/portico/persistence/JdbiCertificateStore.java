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
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.List;
import java.util.Optional;

/**
 * The CertificateStore on H2 or PostgreSQL. Each write is one transaction that first takes the next configuration
 * revision (which also queues it behind every other writer, as configuration writes are) and ends with its audit
 * entry. The audit summary names where a certificate comes from, never its PEM.
 */
final class JdbiCertificateStore implements CertificateStore {
    private static final String COLUMNS = "name, cert_file, key_file, cert_pem, key_pem, updated_revision";

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
                .createQuery("SELECT " + COLUMNS + " FROM certificates ORDER BY name")
                .map((row, context) -> map(row))
                .list());
    }

    @Override
    public Optional<Stored<NamedCertificate>> certificate(String name) {
        return jdbi.withHandle(handle -> find(handle, name));
    }

    @Override
    public StoreWrite put(NamedCertificate certificate, Change change) {
        return writeLock.around(() -> jdbi.inTransaction(handle -> {
            Instant now = clock.instant().truncatedTo(ChronoUnit.MICROS);
            long revision = JdbiConfigStore.nextRevision(handle, now);
            boolean created = find(handle, certificate.name()).isEmpty();
            String sql = created
                    ? "INSERT INTO certificates (name, cert_file, key_file, cert_pem, key_pem, created_at, updated_at,"
                    + " updated_revision) VALUES (:name, :certFile, :keyFile, :certPem, :keyPem, :now, :now, :revision)"
                    : "UPDATE certificates SET cert_file = :certFile, key_file = :keyFile, cert_pem = :certPem,"
                    + " key_pem = :keyPem, updated_at = :now, updated_revision = :revision WHERE name = :name";
            CertificateOrigin origin = certificate.origin();
            handle.createUpdate(sql)
                    .bind("name", certificate.name())
                    .bind("certFile", origin instanceof CertificateOrigin.Files files ? files.certFile() : null)
                    .bind("keyFile", origin instanceof CertificateOrigin.Files files ? files.keyFile() : null)
                    .bind("certPem", origin instanceof CertificateOrigin.Inline inline ? inline.certPem() : null)
                    .bind("keyPem", origin instanceof CertificateOrigin.Inline inline ? inline.keyPem() : null)
                    .bind("now", now)
                    .bind("revision", revision)
                    .execute();
            AuditRows.insert(handle, now, change, ChangeSummary.certificateResource(certificate.name()),
                    ChangeSummary.certificate(created, origin), revision);
            return new StoreWrite.Written(created, revision);
        }));
    }

    @Override
    public Deletion delete(String name, Change change) {
        return writeLock.around(() -> jdbi.inTransaction(handle -> {
            Instant now = clock.instant().truncatedTo(ChronoUnit.MICROS);
            long revision = JdbiConfigStore.nextRevision(handle, now);
            int deleted = handle.createUpdate("DELETE FROM certificates WHERE name = :name").bind("name", name).execute();
            if (deleted == 0) {
                handle.rollback();
                return Deletion.NotFound.INSTANCE;
            }
            AuditRows.insert(handle, now, change, ChangeSummary.certificateResource(name), ChangeSummary.deleted(),
                    revision);
            return new Deletion.Deleted(revision);
        }));
    }

    private static Optional<Stored<NamedCertificate>> find(Handle handle, String name) {
        return handle.createQuery("SELECT " + COLUMNS + " FROM certificates WHERE name = :name")
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
