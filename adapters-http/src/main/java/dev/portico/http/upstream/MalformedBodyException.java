package dev.portico.http.upstream;

import java.io.IOException;

/** A request body that breaks its chunked framing: the request is answered 400 and its connection closed. */
public final class MalformedBodyException extends IOException {
    public MalformedBodyException(String message) {
        super(message, null);
    }

    @Override
    public synchronized Throwable fillInStackTrace() {
        // an expected event: a client's mistake, not a bug
        return this;
    }
}
