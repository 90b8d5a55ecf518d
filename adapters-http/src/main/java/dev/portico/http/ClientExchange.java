package dev.portico.http;

import dev.portico.domain.model.ResolvedRoute;
import dev.portico.domain.model.Target;

import io.helidon.http.Method;
import io.helidon.http.Status;

/**
 * The client's side of one request being forwarded, as {@link ProxyHandler}'s forwarding loop sees it: what it sends
 * on to the upstream, and how the answer or Portico's own reply reaches the client. Two readers make one: Helidon's
 * request and response ({@link ProxyHandler#handle}), and a request head Portico read itself on an HTTP/1.1
 * connection of its own ({@link Http1Fast}).
 */
interface ClientExchange {
    Method method();

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

    /** One of Portico's own replies (a short text/plain body), instead of anything prepared for the client so far. */
    void reply(Status status, String text);
}
