/**
 * HTTP/2 requests as Helidon reads them ({@link dev.portico.http.http2.Http2Handler}): routed as HTTP/1.x requests
 * are, forwarded by {@code forward}, the answer written through Helidon's response
 * ({@link dev.portico.http.http2.Http2Response}).
 */
package dev.portico.http.http2;
