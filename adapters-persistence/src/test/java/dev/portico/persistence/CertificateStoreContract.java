package dev.portico.persistence;

import dev.portico.domain.model.AuditEntry;
import dev.portico.domain.model.CertificateOrigin;
import dev.portico.domain.model.NamedCertificate;
import dev.portico.domain.model.Stored;
import dev.portico.domain.port.CertificateStore;
import dev.portico.domain.port.Change;
import dev.portico.domain.port.Deletion;
import dev.portico.domain.port.StoreWrite;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/** What every CertificateStore on a real database must do; one subclass per database. */
abstract class CertificateStoreContract {
    private static final Change PUT = new Change("ops", "PUT");
    private static final String KEY_PEM = "-----BEGIN PRIVATE KEY-----\nsecret-key-material\n-----END PRIVATE KEY-----\n";

    protected abstract Database openDatabase();

    @Test
    void storesFilesAndInlinePemAndReadsThemBackByName() {
        try (Database db = openDatabase()) {
            CertificateStore store = db.certificateStore();
            NamedCertificate files = new NamedCertificate("b.example",
                    new CertificateOrigin.Files("/etc/letsencrypt/live/b/fullchain.pem", "/etc/letsencrypt/live/b/privkey.pem"));
            NamedCertificate inline = new NamedCertificate("a.example",
                    new CertificateOrigin.Inline("-----BEGIN CERTIFICATE-----\nx\n-----END CERTIFICATE-----\n", KEY_PEM));

            StoreWrite first = store.put(files, PUT);
            StoreWrite second = store.put(inline, PUT);

            assertThat(first).isInstanceOfSatisfying(StoreWrite.Written.class, w -> assertThat(w.created()).isTrue());
            long revision = ((StoreWrite.Written) second).revision();
            assertThat(store.certificates()).extracting(Stored::value).containsExactly(inline, files);
            assertThat(store.certificate("a.example")).contains(new Stored<>(inline, revision));
        }
    }

    @Test
    void replacingTakesANewRevisionAndSwitchesTheOrigin() {
        try (Database db = openDatabase()) {
            CertificateStore store = db.certificateStore();
            store.put(new NamedCertificate("site", new CertificateOrigin.Inline("cert", KEY_PEM)), PUT);
            NamedCertificate replacement = new NamedCertificate("site", new CertificateOrigin.Files("/c.pem", "/k.pem"));

            StoreWrite write = store.put(replacement, PUT);

            assertThat(write).isInstanceOfSatisfying(StoreWrite.Written.class, w -> {
                assertThat(w.created()).isFalse();
                assertThat(w.revision()).isEqualTo(db.configStore().revision());
            });
            assertThat(store.certificate("site")).map(Stored::value).contains(replacement);
        }
    }

    @Test
    void auditsEveryWriteWithoutThePem() {
        try (Database db = openDatabase()) {
            CertificateStore store = db.certificateStore();
            store.put(new NamedCertificate("site", new CertificateOrigin.Inline("cert", KEY_PEM)), PUT);
            store.delete("site", new Change("ops", "DELETE"));

            assertThat(db.auditLog().latest(10)).extracting(AuditEntry::resource, AuditEntry::summary)
                    .containsExactly(
                            org.assertj.core.groups.Tuple.tuple("certificates/site", "deleted"),
                            org.assertj.core.groups.Tuple.tuple("certificates/site", "created: inline PEM"));
            assertThat(db.auditLog().latest(10)).allSatisfy(entry ->
                    assertThat(entry.summary()).doesNotContain("secret-key-material"));
        }
    }

    @Test
    void deletingAnUnknownNameChangesNothing() {
        try (Database db = openDatabase()) {
            long before = db.configStore().revision();

            assertThat(db.certificateStore().delete("nothing", PUT)).isEqualTo(Deletion.NotFound.INSTANCE);
            assertThat(db.configStore().revision()).isEqualTo(before);
            assertThat(db.auditLog().latest(10)).isEmpty();
        }
    }

    @Test
    void certificatesSurviveReopeningTheDatabase() {
        NamedCertificate stored = new NamedCertificate("site", new CertificateOrigin.Files("/c.pem", "/k.pem"));
        try (Database db = openDatabase()) {
            db.certificateStore().put(stored, PUT);
        }
        try (Database db = openDatabase()) {
            assertThat(db.certificateStore().certificates()).extracting(Stored::value).containsExactly(stored);
        }
    }
}
