package dev.portico.app;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.InputStream;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.WebSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.Base64;
import java.util.Map;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/** Portico as main wires it: deleting a route through the admin API closes its open WebSockets with 1001. */
class WebSocketRouteTest {
    private static final String TOKEN = "test-token-0123456789";

    @TempDir
    Path dataDir;
    private Portico portico;

    @AfterEach
    void stop() {
        if (portico != null) {
            portico.close();
        }
    }

    @Test
    void deletingTheRouteClosesItsWebSocketsWith1001AndChangingAnotherLeavesThemOpen() throws Exception {
        portico = Portico.start(Settings.fromEnvironment(Map.of(
                "PORTICO_DATA_DIR", dataDir.toString(), "PORTICO_HTTP_HOST", "127.0.0.1",
                "PORTICO_HTTP_PORT", "0", "PORTICO_HTTPS_PORT", "0", "PORTICO_ADMIN_PORT", "0",
                "PORTICO_ADMIN_TOKEN", TOKEN)));
        AdminClient admin = AdminClient.of(portico.adminPort(), TOKEN);
        BlockingQueue<String> events = new LinkedBlockingQueue<>();
        try (ServerSocket target = new ServerSocket(0); HttpClient http = HttpClient.newHttpClient()) {
            Thread.ofVirtual().start(() -> acceptUpgrade(target));
            assertThat(admin.put("/v1/upstreams/chat", "{\"targets\":[{\"url\":\"http://127.0.0.1:"
                    + target.getLocalPort() + "\"}]}").statusCode()).isEqualTo(201);
            assertThat(admin.put("/v1/routes/chat", "{\"pathPrefix\":\"/chat/\",\"upstream\":\"chat\"}")
                    .statusCode()).isEqualTo(201);
            assertThat(admin.put("/v1/routes/other", "{\"pathPrefix\":\"/other/\",\"upstream\":\"chat\"}")
                    .statusCode()).isEqualTo(201);

            WebSocket socket = http.newWebSocketBuilder().buildAsync(URI.create("ws://127.0.0.1:"
                    + portico.httpPort() + "/chat/room"), new WebSocket.Listener() {
                @Override
                public CompletionStage<?> onClose(WebSocket webSocket, int statusCode, String reason) {
                    events.add("close " + statusCode + " " + reason);
                    return null;
                }
            }).get(20, TimeUnit.SECONDS);

            assertThat(admin.put("/v1/routes/other", "{\"pathPrefix\":\"/other/v2/\",\"upstream\":\"chat\"}")
                    .statusCode()).isEqualTo(200);
            assertThat(events.poll(500, TimeUnit.MILLISECONDS)).isNull();
            assertThat(socket.isInputClosed()).isFalse();

            assertThat(admin.delete("/v1/routes/chat").statusCode()).isEqualTo(204);
            assertThat(events.poll(20, TimeUnit.SECONDS)).isEqualTo("close 1001 route removed");
        }
    }

    @Test
    void stoppingPorticoTellsOpenWebSocketsItIsGoingAway() throws Exception {
        portico = Portico.start(Settings.fromEnvironment(Map.of(
                "PORTICO_DATA_DIR", dataDir.toString(), "PORTICO_HTTP_HOST", "127.0.0.1",
                "PORTICO_HTTP_PORT", "0", "PORTICO_HTTPS_PORT", "0", "PORTICO_ADMIN_PORT", "0",
                "PORTICO_ADMIN_TOKEN", TOKEN)));
        AdminClient admin = AdminClient.of(portico.adminPort(), TOKEN);
        BlockingQueue<String> events = new LinkedBlockingQueue<>();
        try (ServerSocket target = new ServerSocket(0); HttpClient http = HttpClient.newHttpClient()) {
            Thread.ofVirtual().start(() -> acceptUpgrade(target));
            admin.put("/v1/upstreams/chat", "{\"targets\":[{\"url\":\"http://127.0.0.1:" + target.getLocalPort()
                    + "\"}]}");
            admin.put("/v1/routes/chat", "{\"pathPrefix\":\"/chat/\",\"upstream\":\"chat\"}");
            http.newWebSocketBuilder().buildAsync(URI.create("ws://127.0.0.1:" + portico.httpPort() + "/chat/room"),
                    new WebSocket.Listener() {
                        @Override
                        public CompletionStage<?> onClose(WebSocket webSocket, int statusCode, String reason) {
                            events.add("close " + statusCode + " " + reason);
                            return null;
                        }
                    }).get(20, TimeUnit.SECONDS);

            portico.close();
            portico = null;

            assertThat(events.poll(10, TimeUnit.SECONDS)).isEqualTo("close 1001 server shutting down");
        }
    }

    /** A WebSocket target on a bare socket: answers the upgrade, then reads until its connection ends. */
    private static void acceptUpgrade(ServerSocket server) {
        try (Socket socket = server.accept()) {
            InputStream in = socket.getInputStream();
            String key = null;
            StringBuilder line = new StringBuilder();
            int b;
            while ((b = in.read()) >= 0) {
                if (b == '\n') {
                    String text = line.toString().strip();
                    if (text.isEmpty()) {
                        break;
                    }
                    if (text.toLowerCase().startsWith("sec-websocket-key:")) {
                        key = text.substring(text.indexOf(':') + 1).strip();
                    }
                    line.setLength(0);
                } else {
                    line.append((char) b);
                }
            }
            String accept = Base64.getEncoder().encodeToString(MessageDigest.getInstance("SHA-1")
                    .digest((key + "258EAFA5-E914-47DA-95CA-C5AB0DC85B11").getBytes(StandardCharsets.US_ASCII)));
            socket.getOutputStream().write(("HTTP/1.1 101 Switching Protocols\r\nUpgrade: websocket\r\n"
                    + "Connection: Upgrade\r\nSec-WebSocket-Accept: " + accept + "\r\n\r\n")
                    .getBytes(StandardCharsets.US_ASCII));
            while (in.read() >= 0) {
                continue;
            }
        } catch (Exception e) {
            // the test ends the connection
        }
    }
}
