package dev.portico.http;

import java.io.IOException;

/** A request body that breaks its chunked framing: the request is answered 400 and its connection closed. */
final class MalformedBodyException extends IOException {
    MalformedBodyException(String message) {
        super(message, null);
    }

    @Override
    public synchronized Throwable fillInStackTrace() {
        // an expected event: a client's mistake, not a bug
        return this;
    }
}
