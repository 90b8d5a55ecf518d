package dev.portico.domain.service;

import dev.portico.domain.model.CertificateOrigin;
import dev.portico.domain.model.NamedCertificate;
import dev.portico.domain.model.ServedCertificate;
import dev.portico.domain.model.Stored;
import dev.portico.domain.port.CertificateOutcome;
import dev.portico.domain.port.CertificateStore;
import dev.portico.domain.port.Change;
import dev.portico.domain.port.Deletion;
import dev.portico.domain.port.ServeCertificates;
import dev.portico.domain.port.StoreWrite;
import org.junit.jupiter.api.Test;

import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;

import static org.assertj.core.api.Assertions.assertThat;

class CertificatesTest {
    private static final Change OPERATOR = new Change("ops", "PUT");
    private final InMemoryStore store = new InMemoryStore();
    private final FakeListener listener = new FakeListener();
    private final Certificates certificates = new Certificates(store, listener);

    @Test
    void storesAndServesACertificateThatLoads() {
        CertificateOutcome outcome = certificates.put("example", files("good"), OPERATOR);

        assertThat(outcome).isInstanceOfSatisfying(CertificateOutcome.Installed.class,
                installed -> assertThat(installed.created()).isTrue());
        assertThat(store.rows).containsKey("example");
        assertThat(certificates.certificate("example")).isPresent();
        assertThat(certificates.put("example", files("good"), OPERATOR)).isInstanceOfSatisfying(
                CertificateOutcome.Installed.class, installed -> assertThat(installed.created()).isFalse());
    }

    @Test
    void neitherStoresNorServesARefusedCertificateAndKeepsTheOneInService() {
        certificates.put("example", files("good"), OPERATOR);

        CertificateOutcome outcome = certificates.put("example", files("expired"), OPERATOR);

        assertThat(outcome).isInstanceOfSatisfying(CertificateOutcome.Refused.class,
                refused -> assertThat(refused.code()).isEqualTo("expired"));
        assertThat(store.rows.get("example").value().origin()).isEqualTo(files("good"));
        assertThat(listener.origins.get("example")).isEqualTo(files("good"));
    }

    @Test
    void rejectsAnInvalidNameWithoutLoadingAnything() {
        assertThat(certificates.put("../etc", files("good"), OPERATOR)).isInstanceOf(CertificateOutcome.Rejected.class);
        assertThat(listener.origins).isEmpty();
    }

    @Test
    void syncServesWhatAnotherNodeStoredAndWithdrawsWhatItDeleted() {
        store.put(new NamedCertificate("a", files("good")), OPERATOR);
        store.put(new NamedCertificate("broken", files("expired")), OPERATOR);

        Certificates.SyncReport first = certificates.sync();

        assertThat(first.loaded()).containsExactly("a");
        assertThat(first.refused()).extracting(CertificateOutcome.Refused::name).containsExactly("broken");
        assertThat(certificates.sync().changedAnything()).as("nothing written since").isFalse();

        store.delete("a", OPERATOR);
        assertThat(certificates.sync().removed()).containsExactly("a");
        assertThat(listener.origins).isEmpty();
    }

    @Test
    void deletingStopsServing() {
        certificates.put("example", files("good"), OPERATOR);

        assertThat(certificates.delete("example", OPERATOR)).isInstanceOf(Deletion.Deleted.class);
        assertThat(certificates.certificate("example")).isEmpty();
        assertThat(certificates.delete("example", OPERATOR)).isEqualTo(Deletion.NotFound.INSTANCE);
    }

    @Test
    void reloadRetriesAStoredCertificateThatWasRefusedAtStart() {
        store.put(new NamedCertificate("late", files("expired")), OPERATOR);
        certificates.sync();
        store.rows.put("late", new Stored<>(new NamedCertificate("late", files("good")), store.revision));

        assertThat(certificates.reload("late")).isInstanceOf(CertificateOutcome.Installed.class);
        assertThat(certificates.reload("nothing")).isInstanceOf(CertificateOutcome.NotFound.class);
    }

    private static CertificateOrigin files(String kind) {
        return new CertificateOrigin.Files("/certs/" + kind + ".pem", "/certs/" + kind + ".key");
    }

    /** Loads any origin whose path does not say "expired". */
    private static final class FakeListener implements ServeCertificates {
        final Map<String, CertificateOrigin> origins = new TreeMap<>();

        @Override
        public CertificateOutcome serve(String name, CertificateOrigin origin) {
            if (origin.describe().contains("expired")) {
                return new CertificateOutcome.Refused(name, "expired", "the certificate expired");
            }
            boolean created = origins.put(name, origin) == null;
            return new CertificateOutcome.Installed(details(name, origin), created);
        }

        @Override
        public CertificateOutcome reload(String name) {
            CertificateOrigin origin = origins.get(name);
            return origin == null ? new CertificateOutcome.NotFound(name) : serve(name, origin);
        }

        @Override
        public void withdraw(String name) {
            origins.remove(name);
        }

        @Override
        public List<ServedCertificate> served() {
            return origins.entrySet().stream().map(e -> details(e.getKey(), e.getValue())).toList();
        }

        @Override
        public Optional<ServedCertificate> served(String name) {
            return Optional.ofNullable(origins.get(name)).map(origin -> details(name, origin));
        }

        private static ServedCertificate details(String name, CertificateOrigin origin) {
            return new ServedCertificate(name, "CN=" + name, List.of(name), List.of(name), "CN=CA",
                    Instant.EPOCH, Instant.EPOCH.plusSeconds(86_400), "01", "AA", "EC", 1, origin.describe());
        }
    }

    private static final class InMemoryStore implements CertificateStore {
        final Map<String, Stored<NamedCertificate>> rows = new TreeMap<>();
        long revision;

        @Override
        public List<Stored<NamedCertificate>> certificates() {
            return List.copyOf(rows.values());
        }

        @Override
        public Optional<Stored<NamedCertificate>> certificate(String name) {
            return Optional.ofNullable(rows.get(name));
        }

        @Override
        public StoreWrite put(NamedCertificate certificate, Change change) {
            revision++;
            boolean created = rows.put(certificate.name(), new Stored<>(certificate, revision)) == null;
            return new StoreWrite.Written(created, revision);
        }

        @Override
        public Deletion delete(String name, Change change) {
            if (rows.remove(name) == null) {
                return Deletion.NotFound.INSTANCE;
            }
            return new Deletion.Deleted(++revision);
        }
    }
}
