/**
 * Portico's data plane. {@link dev.portico.http.Proxy} puts it on Helidon listeners and wires the layers below, each
 * a package that uses only those under it (ArchitectureTest in app keeps it so). One proxied request, from socket to
 * socket:
 * <ol>
 *     <li>{@code client}: {@code ClientConnections} takes the connection, counts it against the listener's limit and
 *     watches its deadlines ({@code ClientDeadlines}), then gives it to a reader;</li>
 *     <li>{@code http1}: {@code Http1Connection} reads each request ({@code wire.RequestHead}, {@code Http1Body})
 *     and routes it; HTTP/2 requests come through Helidon to {@code http2.Http2Handler} instead; WebSocket upgrades
 *     go to {@code websocket};</li>
 *     <li>{@code forward}: the {@code Forwarder}'s loop picks a target, sends, retries, and relays the answer
 *     ({@code ResponseRelay}) or answers itself ({@code ErrorReplies});</li>
 *     <li>{@code upstream}: {@code UpstreamCall} sends one request on a pooled connection ({@code UpstreamConnections})
 *     and reads its response's head;</li>
 *     <li>{@code wire}: heads as bytes, read and written in place.</li>
 * </ol>
 * Each exchange ends as an {@code observe.ExchangeRecord} that the access log and the metrics hear; {@code observe}
 * also gives each request its id and trace context. Beside them: {@code tls} (certificates by SNI, rotation) and
 * {@code health} (active checks).
 */
package dev.portico.http;
