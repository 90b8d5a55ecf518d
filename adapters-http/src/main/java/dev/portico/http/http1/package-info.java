/**
 * HTTP/1.x on a client's connection, read by Portico itself: each request's head and body with the strict parsing
 * policy README describes ({@link dev.portico.http.http1.Http1Connection}, {@link dev.portico.http.http1.Http1Body}),
 * routed, then forwarded by {@code forward}, answered as bytes, or handed to {@code websocket} for an upgrade.
 */
package dev.portico.http.http1;
