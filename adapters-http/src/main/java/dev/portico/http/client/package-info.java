/**
 * A client's connection from its first moment to its end, whatever the protocol: counted against the listener's
 * limit ({@link dev.portico.http.client.ClientConnections}, which also tells HTTP/2 from HTTP/1.x), watched for its
 * deadlines ({@link dev.portico.http.client.ClientDeadlines}: request head, body, keep-alive, writes), TLS sockets
 * admitted before their handshake ({@link dev.portico.http.client.AdmittingSslContext}). Knows nothing of requests.
 */
package dev.portico.http.client;
