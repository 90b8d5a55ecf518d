package dev.portico.persistence;

import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import dev.portico.domain.port.AuditLog;
import dev.portico.domain.port.CertificateStore;
import dev.portico.domain.port.ConfigStore;
import dev.portico.domain.port.TokenStore;
import org.flywaydb.core.Flyway;
import org.flywaydb.core.api.FlywayException;
import org.flywaydb.core.api.output.MigrateResult;
import org.h2.api.ErrorCode;
import org.jdbi.v3.core.Jdbi;
import org.jdbi.v3.core.transaction.TransactionIsolationLevel;

import javax.sql.DataSource;
import java.lang.System.Logger.Level;
import java.sql.Connection;
import java.sql.SQLException;
import java.time.Clock;
import java.util.Objects;
import java.util.stream.Stream;

/**
 * The configuration database, opened and migrated: a connection pool, the schema brought up to date by Flyway, and
 * the stores built on them. One per process; close it last.
 */
public final class Database implements AutoCloseable {
    private static final System.Logger LOG = System.getLogger(Database.class.getName());
    private static final int POOL_SIZE = 10;

    private final HikariDataSource dataSource;
    private final Jdbi jdbi;
    private final TransactionIsolationLevel snapshotIsolation;
    private final WriteLock writeLock;
    private final ConfigStore configStore;
    private final TokenStore tokenStore;
    private final AuditLog auditLog;
    private final CertificateStore certificateStore;

    private Database(HikariDataSource dataSource, String product) {
        this.dataSource = dataSource;
        this.jdbi = Jdbi.create(dataSource);
        UtcInstants.install(jdbi);
        this.snapshotIsolation = snapshotIsolation(product);
        this.writeLock = WriteLock.forDatabase(product);
        this.configStore = new JdbiConfigStore(jdbi, snapshotIsolation, Clock.systemUTC(), writeLock);
        this.tokenStore = new JdbiTokenStore(jdbi, Clock.systemUTC(), writeLock);
        this.auditLog = new JdbiAuditLog(jdbi);
        this.certificateStore = new JdbiCertificateStore(jdbi, Clock.systemUTC(), writeLock);
    }

    /**
     * Connects, creates or updates the schema, and answers the open database.
     *
     * @throws DatabaseUnavailableException when the database cannot be reached, is locked by another process, or
     *                                      its schema cannot be migrated; the message names the URL, never the password
     */
    public static Database open(DatabaseSettings settings) {
        String url = Redaction.url(settings.jdbcUrl());
        HikariDataSource dataSource = connect(settings, url);
        try {
            MigrateResult result = Flyway.configure(Database.class.getClassLoader())
                    .dataSource(dataSource)
                    .locations("classpath:db/migration")
                    .load()
                    .migrate();
            LOG.log(Level.INFO, "Configuration database {0} ready at schema version {1} ({2} migration(s) applied)",
                    url, result.targetSchemaVersion == null ? result.initialSchemaVersion : result.targetSchemaVersion,
                    result.migrationsExecuted);
            return new Database(dataSource, productName(dataSource));
        } catch (FlywayException | SQLException e) {
            dataSource.close();
            throw new DatabaseUnavailableException("Cannot bring the schema of the database at " + url
                    + " up to date: " + e.getMessage(), e);
        }
    }

    public ConfigStore configStore() {
        return configStore;
    }

    public TokenStore tokenStore() {
        return tokenStore;
    }

    /** The HTTPS listener's certificates, by name. */
    public CertificateStore certificateStore() {
        return certificateStore;
    }

    /** The log of every change, written by the two stores in the transactions of the changes. */
    public AuditLog auditLog() {
        return auditLog;
    }

    /** For tests in this package: stores built with a test hook, statements run beside the stores. */
    Jdbi jdbi() {
        return jdbi;
    }

    /** The isolation level the stores read at; see {@link #snapshotIsolation(String)}. */
    TransactionIsolationLevel snapshotIsolation() {
        return snapshotIsolation;
    }

    /** The queue of write transactions the stores share; see {@link WriteLock}. */
    WriteLock writeLock() {
        return writeLock;
    }

    @Override
    public void close() {
        dataSource.close();
    }

    /**
     * The weakest level at which every read of a transaction sees the database as of its first read. PostgreSQL's
     * REPEATABLE READ is that. H2 2.x's REPEATABLE READ takes each table's snapshot only when a statement first
     * uses it, so a write committed between two reads would show in the second; its SERIALIZABLE (like SNAPSHOT)
     * takes all tables at the first statement, and does not block writers. PostgreSQL's SERIALIZABLE is avoided:
     * it may abort even a read-only transaction.
     */
    private static TransactionIsolationLevel snapshotIsolation(String product) {
        return product.equals("H2") ? TransactionIsolationLevel.SERIALIZABLE : TransactionIsolationLevel.REPEATABLE_READ;
    }

    private static String productName(DataSource dataSource) throws SQLException {
        try (Connection connection = dataSource.getConnection()) {
            return connection.getMetaData().getDatabaseProductName();
        }
    }

    private static HikariDataSource connect(DatabaseSettings settings, String url) {
        HikariConfig config = new HikariConfig();
        config.setJdbcUrl(settings.jdbcUrl());
        config.setUsername(settings.user());
        config.setPassword(settings.password());
        config.setPoolName("portico-db");
        config.setMaximumPoolSize(POOL_SIZE);
        try {
            // Fails here, not on first use: the pool opens its first connection before it answers.
            return new HikariDataSource(config);
        } catch (RuntimeException e) {
            throw new DatabaseUnavailableException(whyUnavailable(settings, url, e), e);
        }
    }

    private static String whyUnavailable(DatabaseSettings settings, String url, Throwable failure) {
        boolean lockedByAnotherProcess = sqlExceptions(failure)
                .anyMatch(sql -> sql.getErrorCode() == ErrorCode.DATABASE_ALREADY_OPEN_1);
        if (lockedByAnotherProcess && url.startsWith("jdbc:h2:")) {
            return "Cannot open the database at " + url + ": its file is locked by another process. Another Portico"
                    + " is probably running with the same data directory; stop it, or give this one its own data"
                    + " directory.";
        }
        // The driver's own exception says most (PostgreSQL: "Connection to host:port refused. Check that...");
        // what lies under it ("Connection refused") says less, what wraps it (the pool's) repeats it.
        String reason = sqlExceptions(failure).findFirst().map(Throwable::getMessage)
                .orElseGet(failure::getMessage);
        return "Cannot open the database at " + url + " as user '" + settings.user() + "': " + reason;
    }

    private static Stream<SQLException> sqlExceptions(Throwable failure) {
        return Stream.iterate(failure, Objects::nonNull, t -> t.getCause() == t ? null : t.getCause())
                .filter(SQLException.class::isInstance)
                .map(SQLException.class::cast);
    }
}
