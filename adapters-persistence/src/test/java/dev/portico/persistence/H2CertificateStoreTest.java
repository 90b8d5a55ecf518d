package dev.portico.persistence;

import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;

/** The CertificateStore contract on an embedded H2 file database, fresh for every test. */
class H2CertificateStoreTest extends CertificateStoreContract {
    @TempDir
    Path dataDir;

    @Override
    protected Database openDatabase() {
        return Database.open(DatabaseSettings.h2File(dataDir));
    }
}
