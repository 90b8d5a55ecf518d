package dev.portico.http.upstream;

import dev.portico.domain.model.Target;
import dev.portico.http.wire.HeadWriter;

import io.helidon.http.Method;

import java.time.Duration;

/**
 * Sends one request to one target and returns its response's status and headers, the body still unread. A request
 * that fails on a reused keep-alive connection before any response byte (the target closed the connection while
 * it was idle, a race no pool can close) is sent once more on a fresh connection when it has no body, or when its
 * method is idempotent and its body can be sent again.
 */
public final class UpstreamCall {
    private static final System.Logger LOG = System.getLogger(UpstreamCall.class.getName());

    private final UpstreamConnections connections;

    public UpstreamCall(UpstreamConnections connections) {
        this.connections = connections;
    }

    /** Writes the request's header lines, Host included; the body's framing headers are the exchange's. */
    @FunctionalInterface
    public interface HeaderLines {
        void writeTo(HeadWriter out);
    }

    /**
     * @param rawTarget the path and query exactly as the upstream must receive them
     * @param timeout   how long the upstream may stay silent once the request is sent, and between pieces of its answer
     * @param headers   writes the request's header lines
     * @param body      the client's body, or null when it sent none
     */
    public record Outbound(Method method, Target target, String rawTarget, Duration timeout, HeaderLines headers,
                    RequestBody body) {
    }

    /** How sending went; only {@link Answered} holds a connection, which the caller must release or close. */
    public sealed interface Reply {
        /** Status and headers arrived; the body is to be read from the connection. */
        record Answered(UpstreamResponse response, UpstreamConnection connection) implements Reply {
        }

        /** No response can come; the connection, if any, is closed. */
        record Failed(UpstreamFailure failure, RuntimeException cause) implements Reply {
        }

        /** The client went away while its body was being read; the connection is closed. */
        record ClientGone(ClientAbortedException cause) implements Reply {
        }
    }

    public Reply send(Outbound outbound) {
        for (int attempt = 1; ; attempt++) {
            UpstreamConnection connection;
            try {
                // the retry goes on a new connection: another idle one may be just as stale as the first
                connection = attempt == 1 ? connections.acquire(outbound.target())
                        : connections.connectFresh(outbound.target());
            } catch (RuntimeException e) {
                return new Reply.Failed(UpstreamFailure.ofConnect(e), e);
            }
            try {
                return new Reply.Answered(UpstreamExchange.exchange(connection, outbound), connection);
            } catch (ClientAbortedException e) {
                connection.close();
                return new Reply.ClientGone(e);
            } catch (RuntimeException e) {
                connection.close();
                UpstreamFailure failure = connection.failureOf(e);
                if (attempt == 1 && mayRetry(outbound, connection, failure)) {
                    LOG.log(System.Logger.Level.DEBUG, () -> "Retrying " + outbound.method().text() + " on a fresh "
                            + "connection to " + outbound.target().url() + ": the reused one failed (" + e + ")");
                    continue;
                }
                return new Reply.Failed(failure, e);
            }
        }
    }

    private static boolean mayRetry(Outbound outbound, UpstreamConnection connection, UpstreamFailure failure) {
        if (failure != UpstreamFailure.CLOSED || !connection.reused()) {
            return false;
        }
        RequestBody body = outbound.body();
        return body == null || (body.replayable() && isIdempotent(outbound.method()));
    }

    private static boolean isIdempotent(Method method) {
        return method == Method.GET || method == Method.HEAD || method == Method.PUT || method == Method.DELETE
                || method == Method.OPTIONS || method == Method.TRACE;
    }
}
