/**
 * HTTP/1.x heads as bytes, read and written where they lie: a client's request head
 * ({@link dev.portico.http.wire.RequestHead}), an upstream's response head ({@link dev.portico.http.wire.ResponseHead}),
 * heads written ({@link dev.portico.http.wire.HeadWriter}), and the addresses forwarding headers carry
 * ({@link dev.portico.http.wire.IpLiteral}, {@link dev.portico.http.wire.TrustedProxies}). No sockets here.
 */
package dev.portico.http.wire;
