package dev.portico.http.forward;

import dev.portico.domain.model.Target;
import dev.portico.domain.routing.ResolvedRoute;
import dev.portico.http.observe.ExchangeRecord;
import dev.portico.http.upstream.RequestBody;
import dev.portico.http.upstream.UpstreamCall;

import io.helidon.http.Method;
import io.helidon.http.Status;

/**
 * The client's side of one request being forwarded, as the {@link Forwarder}'s loop sees it: what it sends on to the
 * upstream, and how the answer or Portico's own reply reaches the client. Each reader makes one: Portico's HTTP/1.x
 * connection ({@code http1.Http1Connection}) and Helidon's HTTP/2 request and response ({@code http2.Http2Handler}).
 */
public interface ClientExchange {
    Method method();

    /** What the access log and the metrics will hear of this exchange, filled in as it goes. */
    ExchangeRecord record();

    /** {@code METHOD /path} for logs: never the query, which may carry credentials. */
    String describe();

    /** The path and query the target gets: the route's upstream path for it, and the client's query as it came. */
    String upstreamTarget(ResolvedRoute route, Target target);

    /** The request's header lines for this target: the client's end-to-end ones, then Host, X-Forwarded-* and Via. */
    UpstreamCall.HeaderLines headerLines(ResolvedRoute route, Target target);

    /** The client's body, or null when it sent none. */
    RequestBody body();

    /** Relays the target's answer to the client. */
    ResponseRelay.Ending relay(ResolvedRoute route, Target target, UpstreamCall.Reply.Answered answered);

    /**
     * One of Portico's own replies (a short text/plain body), instead of anything prepared for the client so far; it
     * sets the record's status.
     */
    void reply(Status status, String text);
}
