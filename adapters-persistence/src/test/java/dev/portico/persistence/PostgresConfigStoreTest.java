package dev.portico.persistence;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/** The ConfigStore contract on PostgreSQL, each test in a schema of its own. */
class PostgresConfigStoreTest extends ConfigStoreContract {
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
    protected DatabaseSettings settings() {
        return schema.settings();
    }

    @Test
    void theSchemaAndFlywaysHistoryAreCreatedInTheConnectionsSchema() {
        try (Database db = openDatabase()) {
            List<String> tables = db.jdbi().withHandle(handle -> handle
                    .createQuery("SELECT table_name FROM information_schema.tables WHERE table_schema = :schema")
                    .bind("schema", schema.name())
                    .mapTo(String.class)
                    .list());

            assertThat(tables).contains("flyway_schema_history", "config_revision", "upstreams",
                    "upstream_targets", "routes", "route_hosts", "admin_tokens");
        }
    }
}
