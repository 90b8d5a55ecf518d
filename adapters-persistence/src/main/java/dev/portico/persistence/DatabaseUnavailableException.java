package dev.portico.persistence;

/**
 * The configuration database could not be opened or migrated. The message is meant for the operator: it names the
 * database (never its password) and, where the cause is known, what to do about it.
 */
public final class DatabaseUnavailableException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    DatabaseUnavailableException(String message, Throwable cause) {
        super(message, cause);
    }
}
