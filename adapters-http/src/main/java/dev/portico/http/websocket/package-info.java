/**
 * WebSocket upgrades: the handshake sent to a target on a connection of its own
 * ({@link dev.portico.http.websocket.WebSocketProxy}, {@link dev.portico.http.websocket.WebSocketHandshake}), then the
 * frames relayed both ways ({@link dev.portico.http.websocket.WebSocketRelay}) until either side closes, the route or
 * target goes away, or the pair stays idle too long.
 */
package dev.portico.http.websocket;
