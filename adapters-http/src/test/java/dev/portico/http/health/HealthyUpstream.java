package dev.portico.http.health;

import io.helidon.http.Status;
import io.helidon.webserver.WebServer;

import java.util.concurrent.atomic.AtomicInteger;

/**
 * A real upstream whose {@code /healthz} answers the status it is told to, counting the probes; it can be stopped
 * and started again on the same (ephemeral) port, as a crashed and restarted server would be.
 */
final class HealthyUpstream implements AutoCloseable {
    final AtomicInteger status = new AtomicInteger(200);
    final AtomicInteger probes = new AtomicInteger();
    private volatile WebServer server;
    private int port;

    private HealthyUpstream() {
        server = build(0).start();
        port = server.port();
    }

    static HealthyUpstream start() {
        return new HealthyUpstream();
    }

    private WebServer build(int port) {
        return WebServer.builder()
                .shutdownHook(false)
                .host("127.0.0.1")
                .port(port)
                .routing(routing -> routing.get("/healthz", (req, res) -> {
                    probes.incrementAndGet();
                    res.status(Status.create(status.get())).send("ok");
                }))
                .build();
    }

    String url() {
        return "http://127.0.0.1:" + port;
    }

    void kill() {
        server.stop();
    }

    void restart() {
        server = build(port).start();
    }

    @Override
    public void close() {
        if (server.isRunning()) {
            server.stop();
        }
    }
}
