package dev.portico.http;

import dev.portico.domain.health.RequestOutcome;
import dev.portico.domain.model.RetryPolicy;

import io.helidon.common.buffers.DataReader;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.SocketTimeoutException;

/** What went wrong with an upstream, and what the client is told when no response has started yet. */
enum UpstreamFailure {
    UNREACHABLE(502, "Bad Gateway", "could not be reached"),
    CONNECT_TIMEOUT(504, "Gateway Timeout", "could not be reached in time"),
    CLOSED(502, "Bad Gateway", "closed the connection without a complete response"),
    TIMEOUT(504, "Gateway Timeout", "did not answer in time"),
    INVALID_RESPONSE(502, "Bad Gateway", "sent a response that cannot be forwarded"),
    /** The response had started: the client's response is cut off rather than replaced, so no status applies. */
    ABORTED_RESPONSE(0, "", "failed while sending its response");

    private final int status;
    private final String reason;
    private final String description;

    UpstreamFailure(int status, String reason, String description) {
        this.status = status;
        this.reason = reason;
        this.description = description;
    }

    int status() {
        return status;
    }

    String reason() {
        return reason;
    }

    /** The end of a sentence starting with the upstream's name: "upstream 'app' could not be reached". */
    String description() {
        return description;
    }

    /** What passive health learns from it. */
    RequestOutcome outcome() {
        return switch (this) {
            case UNREACHABLE, CONNECT_TIMEOUT -> RequestOutcome.DIAL_FAILED;
            case TIMEOUT -> RequestOutcome.TIMED_OUT;
            case CLOSED, INVALID_RESPONSE, ABORTED_RESPONSE -> RequestOutcome.IO_FAILED;
        };
    }

    /** How the retry policy sees it: a connection that was never made means the target never saw the request. */
    RetryPolicy.Failure retryAs() {
        return switch (this) {
            case UNREACHABLE, CONNECT_TIMEOUT -> RetryPolicy.Failure.DIAL;
            case TIMEOUT -> RetryPolicy.Failure.TIMEOUT;
            case CLOSED, INVALID_RESPONSE, ABORTED_RESPONSE -> RetryPolicy.Failure.IO;
        };
    }

    /** A failure to open a connection. */
    static UpstreamFailure ofConnect(RuntimeException e) {
        return hasCause(e, SocketTimeoutException.class) ? CONNECT_TIMEOUT : UNREACHABLE;
    }

    /** A failure on an open connection before the response's status and headers were read. */
    static UpstreamFailure ofExchange(Exception e) {
        if (hasCause(e, SocketTimeoutException.class)) {
            return TIMEOUT;
        }
        if (e instanceof UncheckedIOException || e instanceof DataReader.InsufficientDataAvailableException
                || hasCause(e, IOException.class)) {
            return CLOSED;
        }
        return INVALID_RESPONSE;
    }

    private static boolean hasCause(Throwable e, Class<? extends Throwable> type) {
        for (Throwable t = e; t != null; t = t.getCause()) {
            if (type.isInstance(t)) {
                return true;
            }
            if (t.getCause() == t) {
                break;
            }
        }
        return false;
    }
}
