package dev.portico.http.client;

import io.helidon.common.concurrency.limits.Limit;
import io.helidon.webserver.spi.ServerConnection;

import java.time.Duration;

/**
 * A client connection with nothing more to do: whatever was to be said was written (or nothing is said, to a client
 * past a limit), and returning from {@link #handle} makes Helidon close it.
 */
public enum ClosingConnection implements ServerConnection {
    INSTANCE;

    @Override
    public void handle(Limit limit) {
        // nothing: the connection handler closes the socket
    }

    @Override
    public Duration idleTime() {
        return Duration.ZERO;
    }

    @Override
    public void close(boolean interrupt) {
        // nothing runs
    }
}
