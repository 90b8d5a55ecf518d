package dev.portico.persistence;

import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;

/** The TokenStore contract on an embedded H2 file database, fresh for every test. */
class H2TokenStoreTest extends TokenStoreContract {
    @TempDir
    Path dataDir;

    @Override
    protected Database openDatabase() {
        return Database.open(DatabaseSettings.h2File(dataDir));
    }
}
