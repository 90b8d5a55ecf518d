package dev.portico.persistence;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;

/** The CertificateStore contract on PostgreSQL, each test in a schema of its own. */
class PostgresCertificateStoreTest extends CertificateStoreContract {
    private PostgresTestDatabase.Schema schema;

    @BeforeEach
    void createSchema() {
        schema = PostgresTestDatabase.createSchema();
    }

    @AfterEach
    void dropSchema() {
        schema.close();
    }

    @Override
    protected Database openDatabase() {
        return Database.open(schema.settings());
    }
}
