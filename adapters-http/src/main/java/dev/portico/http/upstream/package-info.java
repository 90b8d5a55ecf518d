/**
 * One request to one target: pooled keep-alive connections ({@link dev.portico.http.upstream.UpstreamConnections}),
 * the request written and the response's head read ({@link dev.portico.http.upstream.UpstreamExchange}), one quiet
 * retry on a fresh connection when a reused one turns out dead ({@link dev.portico.http.upstream.UpstreamCall}), the
 * body read as its framing says ({@link dev.portico.http.upstream.UpstreamBody}), and what went wrong, as one table
 * ({@link dev.portico.http.upstream.UpstreamFailure}). The balancer's retries across targets are the
 * {@code forward} layer's.
 */
package dev.portico.http.upstream;
