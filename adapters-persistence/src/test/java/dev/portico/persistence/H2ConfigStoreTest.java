package dev.portico.persistence;

import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;

/** The ConfigStore contract on an embedded H2 file database, fresh for every test. */
class H2ConfigStoreTest extends ConfigStoreContract {
    @TempDir
    Path dataDir;

    @Override
    protected DatabaseSettings settings() {
        return DatabaseSettings.h2File(dataDir);
    }
}
