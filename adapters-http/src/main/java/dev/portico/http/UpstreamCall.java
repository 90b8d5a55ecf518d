package dev.portico.http;

import dev.portico.domain.model.Target;

import io.helidon.common.uri.UriInfo;
import io.helidon.common.uri.UriPath;
import io.helidon.http.HeaderNames;
import io.helidon.http.Method;
import io.helidon.http.WritableHeaders;
import io.helidon.webclient.api.ClientUri;
import io.helidon.webclient.api.HttpClientResponse;
import io.helidon.webclient.http1.Http1Client;
import io.helidon.webclient.http1.Http1ClientRequest;

import java.time.Duration;
import java.util.function.Consumer;

/**
 * Sends one request to one target and returns its response's status and headers, the body still unread. A request
 * that fails on a reused keep-alive connection before any response byte (the target closed the connection while
 * it was idle, a race no pool can close) is sent once more on a fresh connection when it has no body, or when its
 * method is idempotent and its body can be sent again.
 */
final class UpstreamCall {
    private static final System.Logger LOG = System.getLogger(UpstreamCall.class.getName());

    private final Http1Client client;
    private final UpstreamConnections connections;

    UpstreamCall(Http1Client client, UpstreamConnections connections) {
        this.client = client;
        this.connections = connections;
    }

    /**
     * @param rawTarget the path and query exactly as the upstream must receive them
     * @param headers   writes the request's headers
     * @param body      the client's body, or null when it sent none
     */
    record Outbound(Method method, Target target, String rawTarget, Duration timeout,
                    Consumer<WritableHeaders<?>> headers, RequestBody body) {
    }

    /** How sending went; only {@link Answered} holds resources, which the caller must release. */
    sealed interface Reply {
        /** Status and headers arrived; closing the response returns the connection or closes it. */
        record Answered(HttpClientResponse response, UpstreamConnection connection) implements Reply {
        }

        /** No response can come; the connection, if any, is closed. */
        record Failed(UpstreamFailure failure, RuntimeException cause) implements Reply {
        }

        /** The client went away while its body was being read; the connection is closed. */
        record ClientGone(ClientAbortedException cause) implements Reply {
        }
    }

    Reply send(Outbound outbound) {
        for (int attempt = 1; ; attempt++) {
            UpstreamConnection connection;
            try {
                connection = connections.acquire(outbound.target());
            } catch (RuntimeException e) {
                return new Reply.Failed(UpstreamFailure.ofConnect(e), e);
            }
            try {
                Http1ClientRequest request = client.method(outbound.method())
                        .connection(connection.client())
                        .uri(uri(outbound.target(), outbound.rawTarget()))
                        .readTimeout(outbound.timeout())
                        .headers(outbound.headers()::accept);
                if (!request.headers().contains(HeaderNames.USER_AGENT)) {
                    request.property(NoAddedUserAgent.PROPERTY, "true");
                }
                HttpClientResponse response = outbound.body() == null
                        ? request.request()
                        : request.outputStream(outbound.body());
                return new Reply.Answered(response, connection);
            } catch (ClientAbortedException e) {
                connection.close();
                return new Reply.ClientGone(e);
            } catch (RuntimeException e) {
                connection.close();
                UpstreamFailure failure = UpstreamFailure.ofExchange(e);
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

    /**
     * The raw path and query are the UriPath's raw value, so the webclient writes them as they are: its query type
     * would re-encode the query and reorder its parameters, and its decoded path would lose "//" and "/./".
     */
    private static ClientUri uri(Target target, String rawTarget) {
        return ClientUri.create(UriInfo.builder()
                .scheme(target.scheme())
                .host(target.host())
                .port(target.port())
                .path(UriPath.create(rawTarget))
                .build());
    }
}
