package dev.portico.persistence;

import java.nio.file.Path;
import java.util.Objects;

/**
 * Where the configuration database is and how to log in to it.
 *
 * @param jdbcUrl  a JDBC URL for H2 or PostgreSQL
 * @param user     the user to log in as
 * @param password the password; empty when the database needs none. Never shown by {@link #toString()}.
 */
public record DatabaseSettings(String jdbcUrl, String user, String password) {
    /** The file H2 keeps the database in, inside the data directory: {@code portico.mv.db}. */
    private static final String H2_FILE_BASE_NAME = "portico";

    /*
     * WRITE_DELAY=0: H2 otherwise writes a commit to the file up to 500 ms later, so a write the admin API already
     *   confirmed would be lost if the process were killed in between.
     * LOCK_TIMEOUT: writers queue on the revision row; H2's default of one second is too short for a burst of
     *   writes on a slow machine, and PostgreSQL waits without limit anyway.
     * DB_CLOSE_ON_EXIT=FALSE: H2 would otherwise close the database in its own shutdown hook, possibly while the
     *   server is still finishing requests; Database.close() decides when it closes.
     */
    private static final String H2_OPTIONS = ";WRITE_DELAY=0;LOCK_TIMEOUT=10000;DB_CLOSE_ON_EXIT=FALSE";

    public DatabaseSettings {
        Objects.requireNonNull(jdbcUrl, "jdbcUrl");
        Objects.requireNonNull(user, "user");
        Objects.requireNonNull(password, "password");
        if (!jdbcUrl.startsWith("jdbc:")) {
            throw new IllegalArgumentException("a JDBC URL starts with 'jdbc:': " + Redaction.url(jdbcUrl));
        }
    }

    /** The embedded default: an H2 database in {@code <dataDir>/portico.mv.db}, durable once a write returns. */
    public static DatabaseSettings h2File(Path dataDir) {
        String base = dataDir.toAbsolutePath().normalize().resolve(H2_FILE_BASE_NAME).toString();
        if (base.contains(";")) {
            // H2 would read what follows the ';' as settings, not as part of the file name.
            throw new IllegalArgumentException("the data directory must not contain ';': " + dataDir);
        }
        return new DatabaseSettings("jdbc:h2:file:" + base + H2_OPTIONS, "sa", "");
    }

    @Override
    public String toString() {
        return "DatabaseSettings[jdbcUrl=" + Redaction.url(jdbcUrl) + ", user=" + user + ", password="
                + (password.isEmpty() ? "" : "***") + "]";
    }
}
