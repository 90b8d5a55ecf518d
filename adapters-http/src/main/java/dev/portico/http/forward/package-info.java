/**
 * The forwarding loop ({@link dev.portico.http.forward.Forwarder}): the route's balancer picks a target, the request
 * goes there through {@code upstream}, a failed attempt is retried as the route allows, and the answer is relayed
 * ({@link dev.portico.http.forward.ResponseRelay}) to whichever reader's client it is
 * ({@link dev.portico.http.forward.ClientExchange}), or replaced by one of Portico's own
 * ({@link dev.portico.http.forward.ErrorReplies}). Also what crosses the proxy each way
 * ({@link dev.portico.http.forward.HeaderRules}, {@link dev.portico.http.forward.ResponseHeaders}) and the route's
 * HTTPS policy.
 */
package dev.portico.http.forward;
