package dev.portico.http.upstream;

/**
 * The client stopped reading or sending mid-exchange, or sent a body no server should read on. Thrown from deep in the
 * exchange with the upstream, so it is an unchecked exception; it carries no stack trace because it is an expected
 * event, not a bug.
 */
public final class ClientAbortedException extends RuntimeException {
    public ClientAbortedException(Throwable cause) {
        super("client went away", cause, false, false);
    }

    /** Whether the client's body broke its framing (answered 400), rather than the client going away. */
    public boolean malformed() {
        return getCause() instanceof MalformedBodyException;
    }

    /** Why the body was refused, for the client; null unless {@link #malformed()}. */
    public String refusal() {
        return malformed() ? getCause().getMessage() : null;
    }
}
