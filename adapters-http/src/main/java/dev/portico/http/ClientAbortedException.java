package dev.portico.http;

/**
 * The client stopped reading or sending mid-exchange. Thrown from deep in the exchange with the upstream, so it is an
 * unchecked exception; it carries no stack trace because it is an expected event, not a bug.
 */
final class ClientAbortedException extends RuntimeException {
    ClientAbortedException(Throwable cause) {
        super("client went away", cause, false, false);
    }
}
